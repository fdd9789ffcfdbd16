import TensorCore

/// y = x · Wᵀ + b, with W `[out, in]` as in PyTorch (so checkpoints load unchanged).
/// Shapes: x `[B, in]` → `[B, out]`.
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, using generator: inout RandomGenerator) {
        weight = Parameter(defaultInitialized([outFeatures, inFeatures], fanIn: inFeatures, using: &generator))
        self.bias = bias ? Parameter(defaultInitialized([outFeatures], fanIn: inFeatures, using: &generator)) : nil
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = x.matmul(weight.value, transposeB: true)
        return bias.map { y + $0.value } ?? y
    }

    public func namedParameters() -> [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
