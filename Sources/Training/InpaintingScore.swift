import Diffusion
import Foundation

/// How far completions are from the ground truth in the generated region: per completion the
/// mean squared error over generated pixels (all channels) on the [0, 1] intensity scale, and
/// PSNR = 10·log10(1 / MSE) dB. Known pixels are excluded: they equal the input by construction.
public struct InpaintingScore: Sendable {
    /// One entry per completion that has generated pixels, in sequence order.
    public let mse: [Double]
    /// The sequence index of each scored completion.
    public let scored: [Int]
    public var psnr: [Double] { mse.map { 10 * log10(1 / max($0, 1e-12)) } }

    /// - Parameter completions: `[N·K, C, H, W]` in [-1, 1], in sequence order.
    public init(completions: [Float], inputs: InpaintingInputs) {
        let per = inputs.imageShape.reduce(1, *), plane = inputs.imageShape[1] * inputs.imageShape[2]
        var scores: [Double] = [], scored: [Int] = []
        for k in 0..<(completions.count / per) {
            let i = inputs.input(ofImage: k), mask = inputs.masks[i].keep
            var sum = 0.0, n = 0
            for p in 0..<per where mask[p % plane] == 0 {
                let d = Double(completions[k * per + p] - inputs.images[i * per + p]) / 2
                sum += d * d
                n += 1
            }
            if n > 0 { scores.append(sum / Double(n)); scored.append(k) }
        }
        mse = scores
        self.scored = scored
    }

    /// One line per completion: input name, completion, MSE, PSNR (only inputs with generated pixels).
    public func csv(names: [String], completionsPerInput K: Int) -> String {
        var lines = ["input,completion,mse,psnr_db"]
        for (j, k) in scored.enumerated() {
            lines.append("\"\(names[k / K])\",\(k % K),\(mse[j]),\(psnr[j])")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Mean, sample standard deviation and standard error of the mean.
    public static func summary(_ values: [Double]) -> (mean: Double, std: Double, sem: Double) {
        guard !values.isEmpty else { return (.nan, .nan, .nan) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.count > 1 ? values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1) : 0
        return (mean, variance.squareRoot(), (variance / Double(values.count)).squareRoot())
    }

    /// "masked-region MSE 0.0312 ± 0.0201 (sd; se 0.0020), PSNR 15.6 ± 2.9 dB over 100 completions".
    public var description: String {
        let m = Self.summary(mse), p = Self.summary(psnr)
        return String(format: "masked-region MSE %.4f ± %.4f (sd; se %.4f), PSNR %.2f ± %.2f dB (sd; se %.2f) over %d completions",
                      m.mean, m.std, m.sem, p.mean, p.std, p.sem, mse.count)
    }
}
