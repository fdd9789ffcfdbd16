// Exact nearest-neighbour distances between feature sets, by blocks of a Double distance matrix:
// |a − b|² = |a|² + |b|² − 2 aᵀb, the products from one GEMM per block of rows, so 10⁴ × 5·10⁴
// distances never sit in memory at once.

import TensorCore

enum NearestNeighbours {
    /// Rows of `a` processed per GEMM (a block of 512 × 50 000 doubles is 200 MB).
    static let blockRows = 512

    /// Calls `body(i, distances²)` for every row i of `a`, with its squared distances to every row
    /// of `b` (clamped at 0: the expanded form can round slightly below it).
    static func forEachRow(of a: FeatureMatrix, against b: FeatureMatrix, _ body: (Int, ArraySlice<Double>) -> Void) {
        shapeCheck(a.dimension == b.dimension, "NearestNeighbours: dimensions \(a.dimension) and \(b.dimension) differ")
        let d = a.dimension, ad = a.doubles, bd = b.doubles
        let normsB = squaredNorms(bd, rows: b.count, dimension: d)
        for start in stride(from: 0, to: a.count, by: blockRows) {
            let rows = min(blockRows, a.count - start)
            let block = Array(ad[(start * d)..<((start + rows) * d)])
            let normsA = squaredNorms(block, rows: rows, dimension: d)
            var dist = DenseLinearAlgebra.matmul(block, bd, m: rows, n: b.count, k: d, transposeB: true)
            for i in 0..<rows {
                for j in 0..<b.count { dist[i * b.count + j] = max(0, normsA[i] + normsB[j] - 2 * dist[i * b.count + j]) }
                body(start + i, dist[(i * b.count)..<((i + 1) * b.count)])
            }
        }
    }

    /// The distance from each row of `a` to its k-th nearest row of `b` (k = 0: the nearest).
    /// With b = a, a row's own zero distance is the 0-th, so k = 3 is the third other point,
    /// as in Kynkäänniemi et al.'s code (`np.partition(d, k)[:, k]`).
    static func kthDistances(of a: FeatureMatrix, in b: FeatureMatrix, k: Int) -> [Double] {
        shapeCheck(k >= 0 && k < b.count, "NearestNeighbours: k = \(k) needs more than \(k) reference rows, got \(b.count)")
        var out = [Double](repeating: 0, count: a.count)
        forEachRow(of: a, against: b) { i, row in out[i] = smallest(row, k + 1).last!.squareRoot() }
        return out
    }

    /// The k + 1 smallest values of `row`, ascending (an insertion buffer: k is small).
    static func smallest(_ row: ArraySlice<Double>, _ count: Int) -> [Double] {
        var best: [Double] = []
        best.reserveCapacity(count + 1)
        for v in row where best.count < count || v < best[best.count - 1] {
            var i = best.count
            while i > 0 && best[i - 1] > v { i -= 1 }
            best.insert(v, at: i)
            if best.count > count { best.removeLast() }
        }
        return best
    }

    static func squaredNorms(_ x: [Double], rows: Int, dimension d: Int) -> [Double] {
        (0..<rows).map { i in (0..<d).reduce(0.0) { $0 + x[i * d + $1] * x[i * d + $1] } }
    }
}
