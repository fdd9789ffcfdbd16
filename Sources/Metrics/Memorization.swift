// Does the model copy its training images? Samples are compared with held-out real images by
// their distance to the nearest training image (in feature space).

/// The share of samples that sit closer to a training image than almost every held-out image does.
///
/// ```
/// τ = q-quantile of { min_t |h − t| : h held out }        share = |{ s : min_t |s − t| < τ }| / |samples|
/// ```
/// A model that generalizes like fresh data gives a share near q; one that reproduces training
/// images gives far more. The nearest-distance ratio (sample median over held-out median) is
/// reported too: below 1 means samples hug the training set.
public struct MemorizationCheck: Codable, Equatable, Sendable {
    public let share: Double
    public let quantile: Double
    public let threshold: Double
    public let medianDistanceRatio: Double

    /// 1%: a held-out image falls below τ one time in a hundred, so does a sample of a model
    /// that generalizes.
    public static let defaultQuantile = 0.01

    public init(samples: FeatureMatrix, heldOut: FeatureMatrix, training: FeatureMatrix, quantile: Double = defaultQuantile) {
        let held = Self.nearestDistances(heldOut, training).sorted()
        let drawn = Self.nearestDistances(samples, training)
        let tau = held.isEmpty ? 0 : held[min(held.count - 1, Int((quantile * Double(held.count)).rounded(.down)))]
        threshold = tau
        share = drawn.isEmpty ? 0 : Double(drawn.filter { $0 < tau }.count) / Double(drawn.count)
        self.quantile = quantile
        medianDistanceRatio = Self.median(drawn) / max(Self.median(held), .leastNormalMagnitude)
    }

    static func nearestDistances(_ a: FeatureMatrix, _ b: FeatureMatrix) -> [Double] {
        a.count == 0 ? [] : NearestNeighbours.kthDistances(of: a, in: b, k: 0)
    }

    static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return 0 }
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }
}
