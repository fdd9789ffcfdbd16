import TensorCore

/// DDPM's residual block (diffusers' `ResnetBlock2D`), with the time embedding either added
/// (time_embedding_norm "default", Ho et al.) or applied as a scale and shift of the second
/// normalization ("scale_shift": improved-diffusion's AdaGN, Nichol & Dhariwal 2021; Dhariwal &
/// Nichol 2021 §3):
/// ```
/// h = conv1(silu(norm1(x)))
/// default:      h = silu(norm2(h + time_emb_proj(silu(emb))[:, :, None, None]))
/// scale_shift:  scale, shift = split(time_emb_proj(silu(emb)), 2 halves of Cout)
///               h = silu(norm2(h) · (1 + scale) + shift)
/// h = conv2(dropout(h))
/// y = (shortcut(x) + h) / outputScale          shortcut = 1×1 conv when channels change
/// ```
/// Shapes: x `[N, Cin, H, W]`, emb `[N, E]` → `[N, Cout, H, W]`; time_emb_proj is E → Cout, or
/// E → 2·Cout (scale first) for scale_shift.
public final class ResBlock: Layer {
    public let norm1: GroupNorm, conv1: Conv2d, timeEmbProj: Linear
    public let norm2: GroupNorm, conv2: Conv2d
    public let convShortcut: Conv2d?
    public let dropout: Float
    public let outputScale: Float
    /// The time embedding scales and shifts norm2's output (AdaGN) instead of being added before it.
    public let scaleShift: Bool

    public init(inChannels: Int, outChannels: Int, embeddingDim: Int, groups: Int, eps: Float, dropout: Float,
                outputScale: Float = 1, scaleShift: Bool = false, using g: inout RandomGenerator) {
        norm1 = GroupNorm(groups: groups, channels: inChannels, eps: eps)
        conv1 = Conv2d(inChannels, outChannels, kernelSize: 3, padding: 1, using: &g)
        timeEmbProj = Linear(embeddingDim, scaleShift ? 2 * outChannels : outChannels, using: &g)
        norm2 = GroupNorm(groups: groups, channels: outChannels, eps: eps)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1, using: &g)
        convShortcut = inChannels != outChannels ? Conv2d(inChannels, outChannels, kernelSize: 1, using: &g) : nil
        self.dropout = dropout
        self.outputScale = outputScale
        self.scaleShift = scaleShift
    }

    /// `activatedEmbedding` is silu(emb), computed once per forward and shared by all blocks.
    public func callAsFunction(_ x: Tensor, activatedEmbedding: Tensor, context: inout ForwardContext) -> Tensor {
        let (N, C) = (activatedEmbedding.shape[0], conv1.weight.shape[0])
        var h = conv1(norm1(x, silu: true))
        let t = timeEmbProj(activatedEmbedding)
        if scaleShift {
            let scale = t.slice(axis: 1, 0..<C).reshaped([N, C, 1, 1]), shift = t.slice(axis: 1, C..<(2 * C)).reshaped([N, C, 1, 1])
            h = (norm2(h) * (scale + 1) + shift).silu()
        } else {
            h = norm2(h + t.reshaped([N, C, 1, 1]), silu: true)
        }
        h = h.dropout(dropout, training: context.training, using: &context.generator)
        h = conv2(h)
        let y = (convShortcut?(x) ?? x) + h
        return outputScale == 1 ? y : y * (1 / outputScale)
    }

    public func namedParameters() -> [(String, Parameter)] {
        scoped("norm1", norm1) + scoped("conv1", conv1) + scoped("time_emb_proj", timeEmbProj)
            + scoped("norm2", norm2) + scoped("conv2", conv2) + scoped("conv_shortcut", convShortcut)
    }
}

/// Per-forward state: training mode (dropout on) and the generator dropout draws from.
public struct ForwardContext {
    public var training: Bool
    public var generator: RandomGenerator

    public init(training: Bool, generator: RandomGenerator = RandomGenerator(seed: 0)) {
        self.training = training
        self.generator = generator
    }

    public static var inference: ForwardContext { ForwardContext(training: false) }
}
