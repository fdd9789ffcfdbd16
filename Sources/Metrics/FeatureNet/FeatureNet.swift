// The dataset-native feature network: a small CNN classifier trained by ddpm on the dataset it
// judges. Its penultimate features (a global mean over the last feature map, like Inception's
// pool3) define "FID (feature-net)". Not Inception: numbers made with it compare only with other
// numbers made with the same network file.
import NN
import TensorCore

/// The feature network's shape. Stored in its safetensors metadata, so a file says what it is.
public struct FeatureNetConfig: Codable, Equatable, Sendable {
    /// Bumped when the architecture changes: a file of another version does not load.
    public static let currentVersion = 1

    public var version = FeatureNetConfig.currentVersion
    public var channels: Int
    public var imageSize: Int
    public var classes: Int
    /// Widths of the four 3×3 conv stages; stages 2 and 3 halve the resolution (stride 2).
    public var widths: [Int] = [32, 64, 128, 128]
    public var groups = 8

    public init(channels: Int, imageSize: Int, classes: Int = 10) {
        self.channels = channels
        self.imageSize = imageSize
        self.classes = classes
    }

    /// Length of a feature vector.
    public var featureCount: Int { widths[widths.count - 1] }
}

/// ```
/// x [N, C, H, W] → conv3×3(w₀) → GN+SiLU → conv3×3/2(w₁) → GN+SiLU → conv3×3/2(w₂) → GN+SiLU
///   → conv3×3(w₃) → GN+SiLU → mean over H, W → features [N, w₃] → linear → logits [N, classes]
/// ```
/// 28×28 inputs end at 7×7 (32×32 at 8×8). No pooling op is needed: strided convs downsample and
/// the global mean is `mean(axes:)`.
public final class FeatureNet: Layer {
    public let config: FeatureNetConfig
    let convs: [Conv2d]
    let norms: [GroupNorm]
    let head: Linear

    /// Strides of the four stages.
    static let strides = [1, 2, 2, 1]

    public init(_ config: FeatureNetConfig, seed: UInt64) {
        shapeCheck(config.widths.count == Self.strides.count && config.widths.allSatisfy { $0 % config.groups == 0 },
                     "FeatureNet: widths \(config.widths) must be \(Self.strides.count) multiples of \(config.groups) groups")
        self.config = config
        var g = RandomGenerator(seed: seed, stream: 0)
        var convs: [Conv2d] = [], norms: [GroupNorm] = []
        var inputs = config.channels
        for (width, stride) in zip(config.widths, Self.strides) {
            convs.append(Conv2d(inputs, width, kernelSize: 3, stride: stride, padding: 1, using: &g))
            norms.append(GroupNorm(groups: config.groups, channels: width))
            inputs = width
        }
        self.convs = convs
        self.norms = norms
        head = Linear(inputs, config.classes, using: &g)
    }

    /// Penultimate features `[N, featureCount]` of images `[N, C, H, W]` in [-1, 1].
    public func features(_ x: Tensor) -> Tensor {
        var h = x
        for (conv, norm) in zip(convs, norms) { h = norm(conv(h), silu: true) }
        return h.mean(axes: [2, 3])
    }

    /// Class logits `[N, classes]` from features.
    public func logits(features: Tensor) -> Tensor { head(features) }

    public func namedParameters() -> [(String, Parameter)] {
        var named: [(String, Parameter)] = []
        for (i, (conv, norm)) in zip(convs, norms).enumerated() {
            named += scoped("convs.\(i)", conv) + scoped("norms.\(i)", norm)
        }
        return named + scoped("head", head)
    }
}
