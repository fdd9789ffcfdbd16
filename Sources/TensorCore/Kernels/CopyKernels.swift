// Moving elements between tensors, arrays and random generators: the copies behind
// `Tensor(shape:values:)`, `scalars`, `copy(from:)`, and the seeded fills behind `randn`/`uniform`.

extension Kernels {
    /// dst[i] = src[i] for i in 0..<count.
    static func copy(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        if count > 0 { dst.update(from: src, count: count) }
    }

    /// dst[i] = values[i] for every element of `values`.
    static func copy(_ values: [Float], into dst: UnsafeMutablePointer<Float>) {
        values.withUnsafeBufferPointer { src in if let s = src.baseAddress { copy(s, into: dst, count: src.count) } }
    }

    /// The `count` elements at `src`, as an array.
    static func array(_ src: UnsafePointer<Float>, count: Int) -> [Float] { Array(UnsafeBufferPointer(start: src, count: count)) }

    /// Exchanges a[i] and b[i] for i in 0..<count.
    static func swap(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, count: Int) {
        let A = SharedPointer(a), B = SharedPointer(b)
        Parallel.forRange(count, grain: 262_144) { r in for i in r { let t = A.p[i]; A.p[i] = B.p[i]; B.p[i] = t } }
    }

    /// p[i] = low + span · u_i with u_i uniform in [0, 1) drawn in index order from `generator`.
    static func fillUniform(_ p: UnsafeMutablePointer<Float>, count: Int, low: Float, span: Float, using generator: inout RandomGenerator) {
        for i in 0..<count { p[i] = low + span * generator.nextFloat() }
    }

    /// Standard normal samples in index order (Box–Muller in Double; pairs, so an odd count
    /// discards one value and the stream position depends only on the count).
    static func fillNormal(_ p: UnsafeMutablePointer<Float>, count: Int, using generator: inout RandomGenerator) {
        var i = 0
        while i < count {
            // 1 - u keeps the logarithm's argument in (0, 1].
            let u1 = 1.0 - generator.nextDouble(), u2 = generator.nextDouble()
            let r = (-2.0 * Foundation.log(u1)).squareRoot()
            let theta = 2.0 * Double.pi * u2
            p[i] = Float(r * Foundation.cos(theta))
            if i + 1 < count { p[i + 1] = Float(r * Foundation.sin(theta)) }
            i += 2
        }
    }
}

import Foundation
