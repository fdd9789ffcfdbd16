import TensorCore

/// A seeded normal tensor, the usual test input.
func randn(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var g = RandomGenerator(seed: seed)
    return Tensor.randn(shape, using: &g) * scale
}

/// Values away from 0 (for div/sqrt denominators and kinks).
func positive(_ shape: [Int], seed: UInt64) -> Tensor {
    var g = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, in: 0.5...2.0, using: &g)
}
