import Metrics
import TensorCore

enum RandomGeneratorFactory {
    static func make(seed: UInt64) -> RandomGenerator { RandomGenerator(seed: seed, stream: 0) }
}

/// `n` standard-normal points in `d` dimensions, every coordinate shifted by `shift`.
func gaussian(_ n: Int, _ d: Int, shift: Float, _ g: inout RandomGenerator) -> FeatureMatrix {
    let t = Tensor.randn([n, d], using: &g)
    return FeatureMatrix(count: n, dimension: d, values: t.scalars.map { $0 + shift })
}
