import Foundation
import TensorCore

/// Sinusoidal timestep features (Vaswani et al.; DDPM's position embedding), as diffusers'
/// `get_timestep_embedding` computes them:
/// ```
/// freq_i = exp(−ln(maxPeriod) · i / (half − freqShift)),  i = 0..<half,  half = dim / 2
/// emb    = [sin(t·freq), cos(t·freq)]   (or [cos, sin] when flipSinToCos); odd dim gets a 0 column
/// ```
/// Computed in Float, step by step as PyTorch does in float32, so that t·freq rounds the same way
/// (t·freq ≈ 10³ has an ulp of 6e-5: a Double computation would differ from the reference by that).
public struct SinusoidalEmbedding: Sendable {
    public let dim: Int
    public let flipSinToCos: Bool
    public let freqShift: Float
    public let maxPeriod: Float = 10_000

    public init(dim: Int, flipSinToCos: Bool, freqShift: Float) {
        self.dim = dim
        self.flipSinToCos = flipSinToCos
        self.freqShift = freqShift
    }

    /// `[timesteps.count, dim]`; timesteps are the paper's t (may be fractional).
    public func callAsFunction(_ timesteps: [Float]) -> Tensor {
        let half = dim / 2
        let logMax = -Float(Foundation.log(Double(maxPeriod)))
        let freqs = (0..<half).map { i in Foundation.exp(logMax * Float(i) / (Float(half) - freqShift)) }
        var out = [Float](repeating: 0, count: timesteps.count * dim)
        for (b, t) in timesteps.enumerated() {
            for i in 0..<half {
                let arg = t * freqs[i]
                let (s, c) = (Foundation.sin(arg), Foundation.cos(arg))
                out[b * dim + i] = flipSinToCos ? c : s
                out[b * dim + half + i] = flipSinToCos ? s : c
            }
        }
        return Tensor(shape: [timesteps.count, dim], values: out)
    }
}

/// The two-layer MLP on the sinusoidal features: linear_1 → SiLU → linear_2 (diffusers' `TimestepEmbedding`).
public final class TimestepEmbedding: Layer {
    public let linear1: Linear
    public let linear2: Linear

    public init(inFeatures: Int, dim: Int, using generator: inout RandomGenerator) {
        linear1 = Linear(inFeatures, dim, using: &generator)
        linear2 = Linear(dim, dim, using: &generator)
    }

    public func callAsFunction(_ features: Tensor) -> Tensor { linear2(linear1(features).silu()) }

    public func namedParameters() -> [(String, Parameter)] { scoped("linear_1", linear1) + scoped("linear_2", linear2) }
}
