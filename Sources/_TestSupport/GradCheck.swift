// Finite-difference check of hand-written backward passes, used for every differentiable op.
import TensorCore

/// The result of comparing analytic gradients with central differences.
public struct GradCheckReport: CustomStringConvertible {
    public var checked = 0
    public var failures: [String] = []
    public var worstRelativeError = 0.0
    public var worstAt = ""
    public var passed: Bool { failures.isEmpty && checked > 0 }
    public var description: String {
        "\(checked) elements checked, worst relative error \(worstRelativeError) at \(worstAt)"
            + (failures.isEmpty ? "" : "\n" + failures.prefix(8).joined(separator: "\n"))
    }
}

public enum GradCheck {
    /// Checks d/dinputs of L = Σ rᵢ·yᵢ, where y = `f(inputs)` and r is a fixed random tensor.
    ///
    /// Why a random weighting rather than Σ y: with a uniform upstream gradient, a backward that
    /// mixes up positions (a transposed index, a wrong broadcast) can still produce the right sums.
    /// Central differences are taken in Float (the op's precision) but summed in Double; an element
    /// passes when |analytic − numeric| ≤ atol + rtol · max(|analytic|, |numeric|).
    /// Large inputs are checked at `samples` random positions.
    public static func run(_ name: String, inputs: [Tensor], eps: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 2e-2,
                           samples: Int = 48, seed: UInt64 = 7, _ f: ([Tensor]) -> Tensor) -> GradCheckReport {
        for x in inputs { x.requiresGrad = true; x.grad = nil }
        var rng = RandomGenerator(seed: seed, stream: 99)
        let y0 = f(inputs)
        let r = Tensor.randn(y0.shape, using: &rng)
        (y0 * r).sum().backward()

        func weightedOutput() -> Double {
            withoutGrad {
                let y = f(inputs)
                var s = 0.0
                for i in 0..<y.count { s += Double(y[flat: i]) * Double(r[flat: i]) }
                return s
            }
        }

        var report = GradCheckReport()
        for (k, x) in inputs.enumerated() {
            let analytic = x.grad?.scalars ?? [Float](repeating: 0, count: x.count)
            var positions = Array(0..<x.count)
            if x.count > samples {
                var pick = RandomGenerator(seed: seed, stream: UInt64(k))
                positions.shuffle(using: &pick)
                positions = Array(positions.prefix(samples)).sorted()
            }
            for i in positions {
                let original = x[flat: i]
                x[flat: i] = original + eps
                let plus = weightedOutput()
                x[flat: i] = original - eps
                let minus = weightedOutput()
                x[flat: i] = original
                let numeric = (plus - minus) / (2 * Double(eps))
                let a = Double(analytic[i])
                let err = abs(a - numeric)
                let rel = err / max(abs(a), abs(numeric), 1e-12)
                report.checked += 1
                if rel > report.worstRelativeError && err > atol * 0.1 {
                    report.worstRelativeError = rel
                    report.worstAt = "\(name) input \(k) \(x.shape) index \(i)"
                }
                if err > atol + rtol * max(abs(a), abs(numeric)) {
                    report.failures.append("\(name): input \(k) of shape \(x.shape), index \(i): analytic \(a), numeric \(numeric)")
                }
            }
        }
        return report
    }
}
