/// The NumPy broadcast of two shapes (aligned at the right; a dimension of 1 stretches).
/// Returns nil when they are incompatible.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        if da != db && da != 1 && db != 1 { return nil }
        out[i] = da == 1 ? db : da
    }
    return out
}

/// Element strides of `shape` read as if it had `outShape` (0 along broadcast dimensions).
func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
    let r = outShape.count
    var strides = [Int](repeating: 0, count: r)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        let o = i + (r - shape.count)
        strides[o] = shape[i] == 1 && outShape[o] != 1 ? 0 : s
        s *= shape[i]
    }
    return strides
}

/// An iteration plan over a contiguous output with two broadcast inputs: dimensions whose
/// strides allow it are merged, so `[N, C, H, W] + [N, C, 1, 1]` runs as N·C rows of H·W.
struct BroadcastPlan {
    /// Merged dimensions, the last one innermost.
    private(set) var dims: [Int] = []
    private(set) var strideA: [Int] = []
    private(set) var strideB: [Int] = []

    init(out: [Int], a: [Int], b: [Int]) {
        let sa = broadcastStrides(a, to: out), sb = broadcastStrides(b, to: out)
        for i in 0..<out.count where out[i] != 1 {
            if let last = dims.indices.last,
               strideA[last] == sa[i] * out[i], strideB[last] == sb[i] * out[i] {
                dims[last] *= out[i]
                strideA[last] = sa[i]
                strideB[last] = sb[i]
            } else {
                dims.append(out[i]); strideA.append(sa[i]); strideB.append(sb[i])
            }
        }
        if dims.isEmpty { dims = [1]; strideA = [0]; strideB = [0] }
    }

    var innerCount: Int { dims.last! }
    var innerStrideA: Int { strideA.last! }
    var innerStrideB: Int { strideB.last! }
    var rowCount: Int { dims.dropLast().reduce(1, *) }

    /// Offsets into a and b of the start of output row `row` (output offset is row · innerCount).
    func offsets(ofRow row: Int) -> (Int, Int) {
        var rem = row, oa = 0, ob = 0
        for d in stride(from: dims.count - 2, through: 0, by: -1) {
            let i = rem % dims[d]
            rem /= dims[d]
            oa += i * strideA[d]
            ob += i * strideB[d]
        }
        return (oa, ob)
    }
}
