// Scalar math written so that the loops calling it vectorize: no libm calls, no branches, no
// trapping conversions (libm's expf is an opaque call per element, so a loop around it runs one
// element at a time). And fixed-order lane sums for reductions the compiler may not reorder.

extension Kernels {
    /// eˣ, within 1 ulp of glibc's expf on [−87.3, 88.3] (checked against it on every 7th float
    /// there, and on every float with |x| < 10⁻³).
    /// Below −87.34 it returns 0 (the true value is subnormal), above 88.37 +∞ (the true value
    /// is within 30% of Float.greatestFiniteMagnitude there). NaN in, NaN out.
    ///
    /// Method (Cephes `expf`): eˣ = 2ⁿ·eʳ with n = round(x / ln 2) and r = x − n·ln 2, ln 2 split in
    /// two (Cody–Waite) so r stays exact; eʳ by a degree-7 polynomial on |r| ≤ ln 2 / 2; 2ⁿ built in
    /// the exponent bits.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -87.33654), 88.37626)
        // Adding 1.5·2²³ rounds to an integer (round to nearest even), which then sits in the low
        // mantissa bits of t: n without a Float → Int conversion.
        let shifter: Float = 12_582_912
        let t = clamped * 1.442_695_04 + shifter
        let n = t - shifter
        let r = (clamped - n * 0.693_359_375) - n * -2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let er = p * r * r + r + 1
        // 2ⁿ: the low bits of t hold n (mod 2²³); shifting n + 127 into the exponent field drops the rest.
        let twoToN = Float(bitPattern: (t.bitPattern &+ 127) &<< 23)
        return x > 88.37626 ? .infinity : (x < -87.33654 ? 0 : er * twoToN)
    }

    /// σ(x) = 1 / (1 + e⁻ˣ)
    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// Σ x[i] in Float, in eight lanes added in lane order (as `sumInDouble`).
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            lanes += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var s: Float = 0
        for k in 0..<8 { s += lanes[k] }
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// Σ a[i]·b[i] in Float, in eight lanes added in lane order.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            lanes += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var s: Float = 0
        for k in 0..<8 { s += lanes[k] }
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// max x[i] (−∞ for no elements; NaNs are skipped, as `Swift.max(m, x[i])` skips them).
    @inline(__always)
    static func maximum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var lanes = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            lanes.replace(with: v, where: v .> lanes)
            i += 8
        }
        var m = lanes.max()
        while i < n { m = Swift.max(m, x[i]); i += 1 }
        return m
    }

    /// Σ x[i] in Double. Eight interleaved lanes (lane k sums the i ≡ k mod 8), added in lane order:
    /// the loop vectorizes, and the result depends only on the data.
    @inline(__always)
    static func sumInDouble(_ x: UnsafePointer<Float>, count n: Int) -> Double {
        var lanes = SIMD8<Double>()
        var i = 0
        while i + 8 <= n {
            lanes += SIMD8<Double>(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self))
            i += 8
        }
        var s = 0.0
        for k in 0..<8 { s += lanes[k] }
        while i < n { s += Double(x[i]); i += 1 }
        return s
    }

    /// Σ (x[i] − center)² in Double, in lanes like `sumInDouble`.
    @inline(__always)
    static func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, count n: Int, from center: Double) -> Double {
        var lanes = SIMD8<Double>()
        let c = SIMD8<Double>(repeating: center)
        var i = 0
        while i + 8 <= n {
            let d = SIMD8<Double>(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)) - c
            lanes += d * d
            i += 8
        }
        var s = 0.0
        for k in 0..<8 { s += lanes[k] }
        while i < n { let d = Double(x[i]) - center; s += d * d; i += 1 }
        return s
    }
}
