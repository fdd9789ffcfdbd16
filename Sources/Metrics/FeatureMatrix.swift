// Feature vectors as the metrics read them: n rows of dimension d, row-major Float (what a
// feature network emits), with a Double copy for the statistics (Fréchet distance and KID are
// computed in double precision: covariance traces of 10⁴ samples lose digits in Float).

import TensorCore

/// `count` feature vectors of `dimension` values each, row-major.
public struct FeatureMatrix: Equatable, Sendable {
    public let count: Int
    public let dimension: Int
    public var values: [Float]

    public init(count: Int, dimension: Int, values: [Float]) {
        shapeCheck(count >= 0 && dimension >= 1 && values.count == count * dimension,
                     "FeatureMatrix: \(count)×\(dimension) needs \(count * dimension) values, got \(values.count)")
        self.count = count
        self.dimension = dimension
        self.values = values
    }

    /// The first `n` rows.
    public func prefix(_ n: Int) -> FeatureMatrix {
        shapeCheck(n >= 0 && n <= count, "FeatureMatrix.prefix: \(n) of \(count) rows")
        return FeatureMatrix(count: n, dimension: dimension, values: Array(values[0..<(n * dimension)]))
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        var out = [Float]()
        out.reserveCapacity(indices.count * dimension)
        for i in indices { out += values[(i * dimension)..<((i + 1) * dimension)] }
        return FeatureMatrix(count: indices.count, dimension: dimension, values: out)
    }

    /// The values as Double, row-major.
    public var doubles: [Double] { values.map(Double.init) }
}
