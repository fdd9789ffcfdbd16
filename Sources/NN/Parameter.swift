import TensorCore

/// A trainable tensor with a stable identity, so that the model can move its storage into one
/// flat buffer (`ParameterSet`) after construction without the layers noticing.
public final class Parameter {
    public internal(set) var value: Tensor

    public init(_ value: Tensor) {
        value.requiresGrad = true
        self.value = value
    }

    public var shape: [Int] { value.shape }
}

/// Something with parameters: layers and whole models.
public protocol Layer: AnyObject {
    /// Parameters with keys relative to this layer, in a fixed order (diffusers' keys and order).
    func namedParameters() -> [(String, Parameter)]
}

extension Layer {
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.value.count } }
}

/// Prefixes the keys of `layer`'s parameters with `prefix.`.
public func scoped(_ prefix: String, _ layer: Layer?) -> [(String, Parameter)] {
    guard let layer else { return [] }
    return layer.namedParameters().map { ("\(prefix).\($0.0)", $0.1) }
}

/// PyTorch's default initialization of Linear and Conv2d (kaiming_uniform with a = √5, which
/// reduces to U(−1/√fan_in, 1/√fan_in) for the weight, and the same bound for the bias).
func defaultInitialized(_ shape: [Int], fanIn: Int, using generator: inout RandomGenerator) -> Tensor {
    let bound = 1 / Float(max(fanIn, 1)).squareRoot()
    return Tensor.uniform(shape, in: -bound...bound, using: &generator)
}
