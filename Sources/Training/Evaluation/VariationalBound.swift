// The variational bound on −log p(x_0) of a trained model, in bits per dimension: the number in
// Ho et al. 2020's Table 2 ("NLL Test ≤ 3.70" on CIFAR-10). One term per timestep, so each image
// costs T model evaluations.
//
// Notation (index k = t − 1, 0-based as in NoiseTables):
//   L_T     = KL(q(x_T|x_0) ‖ N(0, I))                                  prior
//   L_{t−1} = KL(q(x_{t−1}|x_t, x_0) ‖ p_θ(x_{t−1}|x_t)),  t = 2 … T     denoising terms
//   L_0     = −log p_θ(x_0|x_1), a Gaussian discretized to the 256 pixel bins    decoder
//   bits/dim = (L_T + Σ L_{t−1} + L_0) / (D · ln 2)
import DataIO
import Diffusion
import Foundation
import Metrics
import NN
import TensorCore

public struct VariationalBound {
    public let tables: NoiseTables
    public let variance: VarianceKind
    /// ε_θ(x_t, t) for a batch; the third argument is the batch's image indices.
    public let model: NoisePredictor
    /// Clip x̂_0 to [-1, 1] before forming μ_θ (as the samplers and improved-diffusion's bpd loop do).
    public var clipDenoised = true

    public init(model: UNet, tables: NoiseTables, variance: VarianceKind) {
        self.init(tables: tables, variance: variance) { x, t, _ in
            var context = ForwardContext.inference
            return model(x, timesteps: t, classLabels: nil, context: &context)
        }
    }

    public init(tables: NoiseTables, variance: VarianceKind, model: @escaping NoisePredictor) {
        self.tables = tables
        self.variance = variance
        self.model = model
    }

    /// log σ²_t of p_θ(x_{t−1}|x_t) at index k. For `beta` the first entry is β̃ at index 1, as
    /// improved-diffusion's "fixed large" variance (β_1 would make the decoder far too wide).
    func logVariance(_ k: Int) -> Double {
        variance == .betaTilde || k == 0 ? tables.posteriorLogVarianceClipped[k] : Foundation.log(tables.betas[k])
    }

    /// The bound averaged over `images`, with image i's noise drawn from RandomGenerator(seed, stream: i).
    /// `progress(done, total)` counts model evaluations of batches.
    public func estimate(_ images: ImageSet, batchSize: Int, seed: UInt64,
                         progress: (Int, Int) -> Void = { _, _ in }) -> VariationalBoundEstimate {
        let T = tables.timesteps, D = images.imageSize
        var perImage: [Double] = [], prior = 0.0, decoder = 0.0
        let batches = (images.count + batchSize - 1) / batchSize
        for (b, start) in stride(from: 0, to: images.count, by: batchSize).enumerated() {
            let idx = Array(start..<min(images.count, start + batchSize))
            let x0 = images.gather(indices: idx)
            var generators = idx.map { RandomGenerator(seed: seed, stream: UInt64($0)) }
            var nats = idx.map { _ in 0.0 }
            for (i, _) in idx.enumerated() {
                let p = priorTerm(Array(x0[(i * D)..<((i + 1) * D)]))
                nats[i] += p
                prior += p
            }
            for k in 0..<T {
                let noise = generators.indices.flatMap { i in Tensor.randn([D], using: &generators[i]).scalars.map(Double.init) }
                let xt = (0..<(idx.count * D)).map { j in tables.sqrtAlphaBar[k] * Double(x0[j]) + tables.sqrtOneMinusAlphaBar[k] * noise[j] }
                let input = Tensor(shape: [idx.count, images.channels, images.height, images.width], values: xt.map(Float.init))
                let eps = withoutGrad { model(input, [Float](repeating: Float(k), count: idx.count), start..<(start + idx.count)) }.scalars
                for i in idx.indices {
                    let r = (i * D)..<((i + 1) * D)
                    let term = self.term(k, x0: x0[r].map(Double.init), xt: Array(xt[r]), eps: eps[r].map(Double.init))
                    nats[i] += term
                    if k == 0 { decoder += term }
                }
                progress(b * T + k + 1, batches * T)
            }
            perImage += nats.map { $0 / (Double(D) * Foundation.log(2)) }
        }
        let n = Double(perImage.count), mean = perImage.reduce(0, +) / n
        let variance = perImage.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n - 1, 1)
        let scale = 1 / (n * Double(D) * Foundation.log(2))
        return VariationalBoundEstimate(bitsPerDimension: mean, standardError: (variance / n).squareRoot(),
                                        priorBitsPerDimension: prior * scale, decoderBitsPerDimension: decoder * scale,
                                        images: perImage.count, timesteps: T, variance: self.variance.rawValue)
    }

    /// L_T in nats: Σ_d ½(σ² + μ² − 1 − log σ²) with μ = √ᾱ_T x_0, σ² = 1 − ᾱ_T.
    func priorTerm(_ x0: [Float]) -> Double {
        let last = tables.timesteps - 1, s2 = 1 - tables.alphaBar[last]
        return x0.reduce(0.0) { $0 + 0.5 * (s2 + tables.alphaBar[last] * Double($1) * Double($1) - 1 - Foundation.log(s2)) }
    }

    /// The term of index k in nats: the decoder L_0 at k = 0, else L_{k} = KL(q ‖ p_θ).
    func term(_ k: Int, x0: [Double], xt: [Double], eps: [Double]) -> Double {
        let logVar = logVariance(k)
        var total = 0.0
        for d in x0.indices {
            // ᾱ = 0 (zero terminal SNR): x̂_0 = 0, as ReverseStep.predictX0 (the formula is 0/0).
            var predicted = tables.alphaBar[k] == 0 ? 0 : tables.sqrtRecipAlphaBar[k] * xt[d] - tables.sqrtRecipAlphaBarMinusOne[k] * eps[d]
            if clipDenoised { predicted = min(max(predicted, -1), 1) }
            let meanModel = tables.posteriorMeanCoef1[k] * predicted + tables.posteriorMeanCoef2[k] * xt[d]
            if k == 0 {
                total -= Self.discretizedGaussianLogLikelihood(x: x0[d], mean: meanModel, logVariance: logVar)
            } else {
                let meanTrue = tables.posteriorMeanCoef1[k] * x0[d] + tables.posteriorMeanCoef2[k] * xt[d]
                let logVarTrue = tables.posteriorLogVarianceClipped[k]
                // KL(N(μ̃, β̃) ‖ N(μ_θ, σ²)) = ½(log σ² − log β̃ + β̃/σ² + (μ̃ − μ_θ)²/σ² − 1)
                total += 0.5 * (logVar - logVarTrue + Foundation.exp(logVarTrue - logVar)
                                + (meanTrue - meanModel) * (meanTrue - meanModel) * Foundation.exp(-logVar) - 1)
            }
        }
        return total
    }

    /// log P(bin of x) under N(mean, e^logVariance), pixels in [-1, 1] on 256 bins of width 2/255;
    /// the end bins reach to ∓∞ (Ho et al. eq. 13).
    static func discretizedGaussianLogLikelihood(x: Double, mean: Double, logVariance: Double) -> Double {
        let inverseStd = Foundation.exp(-0.5 * logVariance), halfBin = 1.0 / 255
        func cdf(_ z: Double) -> Double { 0.5 * (1 + Foundation.erf(z / 2.0.squareRoot())) }
        let upper = x > 0.999 ? 1 : cdf((x - mean + halfBin) * inverseStd)
        let lower = x < -0.999 ? 0 : cdf((x - mean - halfBin) * inverseStd)
        // A bin far in the tail underflows to 0 in the difference; the floor keeps the log finite
        // (as improved-diffusion's clamp at 1e-12).
        return Foundation.log(max(upper - lower, 1e-12))
    }
}
