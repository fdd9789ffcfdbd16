// The Inception Score from a classifier's class probabilities (seed 002 reports it). With the
// feature network as the classifier it is a dataset-native IS, not the ImageNet one.
import Foundation
import TensorCore

/// Mean and standard deviation of the Inception Score over splits.
public struct InceptionScoreEstimate: Codable, Equatable, Sendable {
    public let mean: Double
    public let standardDeviation: Double
    public let splits: Int
}

/// ```
/// IS = exp( E_x KL( p(y|x) ‖ p(y) ) ),   p(y) = mean over the split of p(y|x)
/// ```
/// computed per split (numpy.array_split order: the first n mod s splits get one extra row) and
/// summarized by the mean and population standard deviation, as Salimans et al.'s code does.
/// ### References
/// 1. Salimans et al., "Improved Techniques for Training GANs", https://arxiv.org/abs/1606.03498 (§4)
public enum InceptionScore {
    public static let defaultSplits = 10

    /// - Parameter probabilities: `count` rows of `classes` probabilities (each row sums to 1).
    public static func estimate(probabilities p: [Double], classes: Int, splits: Int = defaultSplits) -> InceptionScoreEstimate {
        let n = p.count / max(classes, 1)
        shapeCheck(classes >= 1 && p.count == n * classes && splits >= 1 && n >= splits,
                     "InceptionScore: \(p.count) probabilities for \(classes) classes in \(splits) splits")
        var scores: [Double] = []
        var start = 0
        for s in 0..<splits {
            let size = n / splits + (s < n % splits ? 1 : 0)
            var marginal = [Double](repeating: 0, count: classes)
            for i in start..<(start + size) { for c in 0..<classes { marginal[c] += p[i * classes + c] / Double(size) } }
            var kl = 0.0
            for i in start..<(start + size) {
                for c in 0..<classes where p[i * classes + c] > 0 {   // 0·log 0 = 0
                    let q = p[i * classes + c]
                    kl += q * (Foundation.log(q) - Foundation.log(marginal[c]))
                }
            }
            scores.append(Foundation.exp(kl / Double(size)))
            start += size
        }
        let mean = scores.reduce(0, +) / Double(splits)
        let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(splits)
        return InceptionScoreEstimate(mean: mean, standardDeviation: variance.squareRoot(), splits: splits)
    }
}
