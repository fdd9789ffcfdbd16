import TensorCore

/// Halves the resolution with a stride-2 3×3 conv (diffusers' `Downsample2D`, use_conv).
/// `padding` 1 pads all sides; `padding` 0 pads only right and bottom by one, as diffusers does
/// for the original DDPM checkpoints (the TensorFlow "SAME"-style asymmetric pad).
public final class Downsample: Layer {
    public let conv: Conv2d
    public let padding: Int

    public init(channels: Int, padding: Int, using g: inout RandomGenerator) {
        conv = Conv2d(channels, channels, kernelSize: 3, stride: 2, padding: padding, using: &g)
        self.padding = padding
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        padding == 0 ? conv(x.padded2d(bottom: 1, right: 1)) : conv(x)
    }

    public func namedParameters() -> [(String, Parameter)] { scoped("conv", conv) }
}

/// Doubles the resolution: nearest-neighbour ×2, then a 3×3 conv (diffusers' `Upsample2D`, use_conv).
public final class Upsample: Layer {
    public let conv: Conv2d

    public init(channels: Int, using g: inout RandomGenerator) {
        conv = Conv2d(channels, channels, kernelSize: 3, padding: 1, using: &g)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv(x.upsampledNearest2x())
    }

    public func namedParameters() -> [(String, Parameter)] { scoped("conv", conv) }
}
