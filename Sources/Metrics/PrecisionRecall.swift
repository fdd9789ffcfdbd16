// Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union of
// balls around its points, each ball reaching the point's k-th nearest neighbour in its own set.

/// Share of generated samples on the real manifold (precision: fidelity) and of real samples on the
/// generated manifold (recall: coverage).
public struct PrecisionRecall: Codable, Equatable, Sendable {
    public let precision: Double
    public let recall: Double
    public let k: Int

    /// Neighbourhood size of the paper (§3, "k = 3").
    public static let defaultK = 3

    /// ```
    /// f(φ, Φ) = 1 if |φ − φ'| ≤ |φ' − NN_k(φ', Φ)| for some φ' ∈ Φ, else 0
    /// precision = (1/|Φg|) Σ_{φ∈Φg} f(φ, Φr)        recall = (1/|Φr|) Σ_{φ∈Φr} f(φ, Φg)
    /// ```
    /// ### References
    /// 1. Kynkäänniemi et al., "Improved Precision and Recall Metric for Assessing Generative Models",
    ///    https://arxiv.org/abs/1904.06991 (eq. 1–3)
    public init(real: FeatureMatrix, generated: FeatureMatrix, k: Int = defaultK) {
        precision = Self.shareInside(generated, manifoldOf: real, k: k)
        recall = Self.shareInside(real, manifoldOf: generated, k: k)
        self.k = k
    }

    /// The fraction of `queries` inside some ball of `points`' k-NN manifold.
    static func shareInside(_ queries: FeatureMatrix, manifoldOf points: FeatureMatrix, k: Int) -> Double {
        guard queries.count > 0 else { return 0 }
        let radii = NearestNeighbours.kthDistances(of: points, in: points, k: k).map { $0 * $0 }
        var inside = 0
        NearestNeighbours.forEachRow(of: queries, against: points) { _, row in
            if zip(row, radii).contains(where: { $0.0 <= $0.1 }) { inside += 1 }
        }
        return Double(inside) / Double(queries.count)
    }
}
