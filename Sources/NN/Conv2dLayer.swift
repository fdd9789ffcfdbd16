import TensorCore

/// A 2-D convolution layer, NCHW, weight `[Cout, Cin, k, k]`, bias `[Cout]`.
public final class Conv2d: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int, padding: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true,
                using generator: inout RandomGenerator) {
        let fanIn = inChannels * kernelSize * kernelSize
        weight = Parameter(defaultInitialized([outChannels, inChannels, kernelSize, kernelSize], fanIn: fanIn, using: &generator))
        self.bias = bias ? Parameter(defaultInitialized([outChannels], fanIn: fanIn, using: &generator)) : nil
        self.stride = stride
        self.padding = padding
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight.value, bias?.value, stride: stride, padding: padding)
    }

    public func namedParameters() -> [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
