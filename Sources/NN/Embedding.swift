import TensorCore

/// A lookup table `[count, dim]` (class labels → vectors), initialized N(0, 1) as in PyTorch.
public final class Embedding: Layer {
    public let weight: Parameter

    public init(_ count: Int, _ dim: Int, using generator: inout RandomGenerator) {
        weight = Parameter(Tensor.randn([count, dim], using: &generator))
    }

    public func callAsFunction(_ indices: [Int]) -> Tensor { weight.value.rows(indices) }

    public func namedParameters() -> [(String, Parameter)] { [("weight", weight)] }
}
