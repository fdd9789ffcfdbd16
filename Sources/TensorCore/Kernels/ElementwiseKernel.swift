// Elementwise loops. Binary ops are generic over a `BinaryFunction` so each op gets its own
// specialized, vectorizable loop (generic code stays inside this module, where it specializes).

protocol BinaryFunction { static func apply(_ a: Float, _ b: Float) -> Float }
enum AddFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b } }
enum MulFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b } }

extension Kernels {
    /// out = f(a, b) with broadcasting per `plan`; out is contiguous with the plan's full shape.
    static func binary<F: BinaryFunction>(_: F.Type, _ plan: BroadcastPlan, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                          out: UnsafeMutablePointer<Float>) {
        let n = plan.innerCount, sa = plan.innerStrideA, sb = plan.innerStrideB
        let A = SharedPointer(UnsafeMutablePointer(mutating: a)), B = SharedPointer(UnsafeMutablePointer(mutating: b))
        let O = SharedPointer(out)
        /// out[i] = f(a[i·sa], b[i·sb]) for i in `range` of one row.
        @inline(__always)
        func row(_ pa: UnsafePointer<Float>, _ pb: UnsafePointer<Float>, _ po: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
            switch (sa, sb) {
            case (1, 1): for i in range { po[i] = F.apply(pa[i], pb[i]) }
            case (1, 0): let v = pb[0]; for i in range { po[i] = F.apply(pa[i], v) }
            case (0, 1): let v = pa[0]; for i in range { po[i] = F.apply(v, pb[i]) }
            default: for i in range { po[i] = F.apply(pa[i * sa], pb[i * sb]) }
            }
        }
        if plan.rowCount == 1 {
            // Same shapes (or a scalar operand) merge into one long row: split the row instead.
            Parallel.forRange(n, grain: 65_536) { r in row(A.p, B.p, O.p, r) }
            return
        }
        Parallel.forRange(plan.rowCount, grain: max(1, 65_536 / max(n, 1))) { rows in
            for r in rows {
                let (oa, ob) = plan.offsets(ofRow: r)
                row(A.p + oa, B.p + ob, O.p + r * n, 0..<n)
            }
        }
    }

    /// out[i] = f(x[i], s) over `count` elements.
    static func binary<F: BinaryFunction>(_ f: F.Type, _ x: UnsafePointer<Float>, scalar s: Float, out: UnsafeMutablePointer<Float>,
                                          count: Int) {
        withUnsafePointer(to: s) { binary(f, BroadcastPlan(out: [count], a: [count], b: []), a: x, b: $0, out: out) }
    }

    /// dst (shape `dstShape`) += src (shape `srcShape`, which `dstShape` broadcasts to): the
    /// adjoint of broadcasting. Each destination element's sum runs in a fixed order, so results
    /// are reproducible.
    static func accumulateReduced(src: UnsafePointer<Float>, srcShape: [Int], dst: UnsafeMutablePointer<Float>, dstShape: [Int],
                                  scale: Float = 1) {
        let plan = BroadcastPlan(out: srcShape, a: srcShape, b: dstShape)
        let n = plan.innerCount, sb = plan.innerStrideB
        if plan.rowCount == 1 && sb == 1 {
            accumulate(src, into: dst, count: n, scale: scale)
            return
        }
        if sb == 0 && dstShape.reduce(1, *) == plan.rowCount {
            // Each row sums into its own destination element (a per-channel bias of [N, C, H, W]):
            // rows are independent, so they run in parallel.
            let S = SharedPointer(UnsafeMutablePointer(mutating: src)), D = SharedPointer(dst)
            Parallel.forRange(plan.rowCount, grain: max(1, 65_536 / max(n, 1))) { rows in
                for r in rows { D.p[plan.offsets(ofRow: r).1] += scale * sum(S.p + r * n, count: n) }
            }
            return
        }
        // Rows that collide on a destination (a reduced outer dimension) run serially, in order.
        for r in 0..<plan.rowCount {
            let (_, ob) = plan.offsets(ofRow: r)
            let s = src + r * n, d = dst + ob
            if sb == 0 {
                d[0] += scale * sum(s, count: n)
            } else {
                for i in 0..<n { d[i * sb] += scale * s[i] }
            }
        }
    }

    /// Sets `count` floats at `p` to `value`, in parallel parts.
    static func fill(_ p: UnsafeMutablePointer<Float>, count: Int, with value: Float) {
        let P = SharedPointer(p)
        Parallel.forRange(count, grain: 262_144) { r in (P.p + r.lowerBound).update(repeating: value, count: r.count) }
    }

    /// dst += scale · src over `count` contiguous elements.
    static func accumulate(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int, scale: Float = 1) {
        let S = SharedPointer(UnsafeMutablePointer(mutating: src)), D = SharedPointer(dst)
        Parallel.forRange(count) { r in
            if scale == 1 { for i in r { D.p[i] += S.p[i] } } else { for i in r { D.p[i] += scale * S.p[i] } }
        }
    }

    /// out[i] = f(x[i]) in parallel chunks.
    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int, _ f: (Float) -> Float) {
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), O = SharedPointer(out)
        Parallel.forRange(count) { r in for i in r { O.p[i] = f(X.p[i]) } }
    }

    /// dx[i] += dy[i] · f'(x[i], y[i]) in parallel chunks.
    @inline(__always)
    static func accumulateChain(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>, count: Int, _ derivative: (Float, Float) -> Float) {
        let DY = SharedPointer(UnsafeMutablePointer(mutating: dy)), X = SharedPointer(UnsafeMutablePointer(mutating: x))
        let Y = SharedPointer(UnsafeMutablePointer(mutating: y)), DX = SharedPointer(dx)
        Parallel.forRange(count) { r in for i in r { DX.p[i] += DY.p[i] * derivative(X.p[i], Y.p[i]) } }
    }
}

// MARK: - SiLU

extension Kernels {
    /// y = x · σ(x)
    static func siluForward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count: count) { v in v * sigmoid(v) }
    }

    /// dx += dy · σ(x) · (1 + x · (1 − σ(x)))
    static func siluBackward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, count: Int) {
        accumulateChain(dy: dy, x: x, y: x, dx: dx, count: count) { v, _ in
            let s = sigmoid(v)
            return s * (1 + v * (1 - s))
        }
    }
}
