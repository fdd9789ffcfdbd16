// Whole-tensor sums. Totals are accumulated in Double over fixed contiguous parts, then added in
// part order: large sums keep their precision and do not depend on timing.

extension Kernels {
    /// Σ x_i in Double, over `Parallel.partCount(count)` fixed parts added in order.
    static func sumAll(_ x: UnsafePointer<Float>, count: Int) -> Double {
        let parts = Parallel.partCount(count)
        var partials = [Double](repeating: 0, count: parts)
        let X = SharedPointer(UnsafeMutablePointer(mutating: x))
        partials.withUnsafeMutableBufferPointer { buf in
            let out = buf.baseAddress!
            Parallel.forEachPart(count: count, parts: parts) { part, r in
                var s: Double = 0
                for i in r { s += Double(X.p[i]) }
                out[part] = s
            }
        }
        return partials.reduce(0, +)
    }

    /// Σ x² in Double over fixed blocks of 2¹⁶ elements (lanes within a block, blocks added in
    /// order), the blocks in parallel: the result depends on neither timing nor thread count.
    static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        let block = 1 << 16, blocks = (count + block - 1) / block
        var partials = [Double](repeating: 0, count: blocks)
        let X = SharedPointer(UnsafeMutablePointer(mutating: x))
        partials.withUnsafeMutableBufferPointer { buf in
            let out = buf.baseAddress!
            Parallel.forRange(blocks, grain: 1) { r in
                for b in r {
                    let start = b * block, n = Swift.min(block, count - start)
                    out[b] = sumOfSquaredDeviations(X.p + start, count: n, from: 0)
                }
            }
        }
        return partials.reduce(0, +)
    }

    /// dx_i += g for i in 0..<count (the backward of a full sum).
    static func addScalar(_ g: Float, into dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] += g }
    }
}
