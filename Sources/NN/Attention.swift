import Foundation
import TensorCore

/// Spatial self-attention with a residual connection (diffusers' `Attention` as used by
/// `AttnDownBlock2D`, `UNetMidBlock2D` and `AttnUpBlock2D`):
/// ```
/// h = group_norm(x) as [N, L, C]                     L = H·W  (x itself when there is no group norm:
///                                                    diffusers' scale-shift mid block without attn_norm_num_groups)
/// q, k, v = to_q(h), to_k(h), to_v(h), split into `heads` of d = C / heads
/// a = softmax(q·kᵀ / √d) · v, heads joined
/// y = (to_out(a) as [N, C, H, W] + x) / outputScale
/// ```
/// ### References
/// 1. Vaswani et al., "Attention Is All You Need", https://arxiv.org/abs/1706.03762
/// 2. Ho et al., "Denoising Diffusion Probabilistic Models", https://arxiv.org/abs/2006.11239 (§B: self-attention at 16×16)
public final class AttentionBlock: Layer {
    public let groupNorm: GroupNorm?
    public let toQ: Linear, toK: Linear, toV: Linear, toOut: Linear
    public let heads: Int
    public let outputScale: Float

    public init(channels: Int, heads: Int, groups: Int, eps: Float, outputScale: Float = 1, normalized: Bool = true,
                using g: inout RandomGenerator) {
        shapeCheck(heads >= 1 && channels % heads == 0, "AttentionBlock: \(channels) channels do not split into \(heads) heads")
        groupNorm = normalized ? GroupNorm(groups: groups, channels: channels, eps: eps) : nil
        toQ = Linear(channels, channels, using: &g)
        toK = Linear(channels, channels, using: &g)
        toV = Linear(channels, channels, using: &g)
        toOut = Linear(channels, channels, using: &g)
        self.heads = heads
        self.outputScale = outputScale
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let L = H * W, d = C / heads
        // 1. Normalize, then tokens as rows: [N·L, C].
        let tokens = (groupNorm?(x) ?? x).reshaped([N, C, L]).transposed(1, 2).reshaped([N * L, C])
        // 2. Project and split heads: [N·heads, L, d].
        func split(_ t: Tensor) -> Tensor {
            heads == 1 ? t.reshaped([N, L, d]) : t.reshaped([N, L, heads, d]).permuted([0, 2, 1, 3]).reshaped([N * heads, L, d])
        }
        let q = split(toQ(tokens)), k = split(toK(tokens)), v = split(toV(tokens))
        // 3. Scaled dot-product attention.
        let weights = (q.batchedMatmul(k, transposeB: true) * (1 / Float(d).squareRoot())).softmax()
        var a = weights.batchedMatmul(v)
        if heads > 1 { a = a.reshaped([N, heads, L, d]).permuted([0, 2, 1, 3]) }
        // 4. Output projection back to [N, C, H, W], plus the residual.
        let out = toOut(a.reshaped([N * L, C])).reshaped([N, L, C]).transposed(1, 2).reshaped([N, C, H, W])
        let y = out + x
        return outputScale == 1 ? y : y * (1 / outputScale)
    }

    public func namedParameters() -> [(String, Parameter)] {
        scoped("group_norm", groupNorm) + scoped("to_q", toQ) + scoped("to_k", toK) + scoped("to_v", toV) + scoped("to_out.0", toOut)
    }
}
