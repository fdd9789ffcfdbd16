// Mode coverage: how the samples spread over the classifier's classes.

/// Counts of the classifier's top-1 class over a set of images.
public struct ClassHistogram: Codable, Equatable, Sendable {
    public let counts: [Int]

    /// - Parameter probabilities: rows of `classes` class probabilities.
    public init(probabilities p: [Double], classes: Int) {
        var counts = [Int](repeating: 0, count: classes)
        for c in Self.topClasses(p, classes: classes) { counts[c] += 1 }
        self.counts = counts
    }

    /// The most probable class of each row (the first on ties).
    public static func topClasses(_ p: [Double], classes: Int) -> [Int] {
        (0..<(p.count / classes)).map { i in
            let row = p[(i * classes)..<((i + 1) * classes)]
            return row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }! - i * classes
        }
    }

    public var total: Int { counts.reduce(0, +) }
    /// Classes that received at least one sample.
    public var coveredClasses: Int { counts.filter { $0 > 0 }.count }

    /// Total-variation distance ½ Σ |p_c − q_c| to another histogram (0: same class mix, 1: disjoint).
    public func totalVariation(to other: ClassHistogram) -> Double {
        let a = Double(max(total, 1)), b = Double(max(other.total, 1))
        return 0.5 * zip(counts, other.counts).reduce(0.0) { $0 + abs(Double($1.0) / a - Double($1.1) / b) }
    }
}
