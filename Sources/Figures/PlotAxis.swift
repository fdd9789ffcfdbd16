// Axis ranges, "nice" tick positions (1, 2 or 5 x 10^k) and compact tick labels for LinePlot.
// Labels are formatted by hand rather than with Foundation's String(format:), so they never
// depend on a locale.
import Foundation

/// One plot axis in plot space (log10 of the data for a log axis): the drawn range and its ticks.
struct PlotAxis {
    var lo: Double
    var hi: Double
    var ticks: [(position: Double, label: String)]

    /// A linear axis over [min, max], widened by `padding` of the span on each side.
    /// An empty span is widened so a constant series still gets a readable axis.
    static func linear(min: Double, max: Double, padding: Double) -> PlotAxis {
        var (lo, hi) = (min, max)
        if lo == hi {
            let half = lo == 0 ? 1 : Swift.abs(lo) * 0.1
            (lo, hi) = (lo - half, hi + half)
        }
        let pad = (hi - lo) * padding
        (lo, hi) = (lo - pad, hi + pad)
        let step = niceStep(hi - lo)
        let ticks = linearTicks(lo: lo, hi: hi, step: step).map { ($0, label($0, step: step)) }
        return PlotAxis(lo: lo, hi: hi, ticks: ticks)
    }

    /// A log10 axis for positive data in [min, max]. Ticks sit at powers of ten (thinned to about
    /// 8), plus 2·10^k and 5·10^k when the range spans at most two decades; if that still gives
    /// fewer than two ticks, at nice linear values inside the range.
    static func logarithmic(min: Double, max: Double, padding: Double) -> PlotAxis {
        var (lo, hi) = (log10(min), log10(max))
        if lo == hi { (lo, hi) = (lo - 0.5, hi + 0.5) }
        let pad = (hi - lo) * padding
        (lo, hi) = (lo - pad, hi + pad)

        let firstDecade = Int((lo - 1e-9).rounded(.up)), lastDecade = Int((hi + 1e-9).rounded(.down))
        let dense = lastDecade - firstDecade <= 1
        let stride = dense ? 1 : Swift.max(1, (lastDecade - firstDecade + 8) / 8)
        var ticks: [(position: Double, label: String)] = []
        // Dense ticks start a decade early: 0.05 lies below the first power of ten in [0.03, 1].
        for k in Swift.stride(from: dense ? firstDecade - 1 : firstDecade, through: lastDecade, by: stride) {
            for multiple in dense ? [1.0, 2, 5] : [1.0] {
                let value = multiple * tenToThe(k)
                let position = log10(value)
                if position >= lo - 1e-9 && position <= hi + 1e-9 { ticks.append((position, label(value, step: tenToThe(k)))) }
            }
        }
        if ticks.count >= 2 { return PlotAxis(lo: lo, hi: hi, ticks: ticks) }

        let (vlo, vhi) = (tenToThe(lo), tenToThe(hi))
        let step = niceStep(vhi - vlo)
        let linear = linearTicks(lo: vlo, hi: vhi, step: step).filter { $0 > 0 }.map { (log10($0), label($0, step: step)) }
        return PlotAxis(lo: lo, hi: hi, ticks: linear)
    }

    // MARK: - Ticks

    /// The 1-2-5 step giving about `target` intervals over `span` (Heckbert's nice numbers).
    static func niceStep(_ span: Double, target: Double = 5) -> Double {
        let raw = span / target
        let magnitude = tenToThe(log10(raw).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        return nice * magnitude
    }

    /// Multiples of `step` inside [lo, hi]. Each is k·step (no running sum, so no drift),
    /// and values within rounding noise of zero are exactly zero.
    static func linearTicks(lo: Double, hi: Double, step: Double) -> [Double] {
        let first = Int((lo / step - 1e-9).rounded(.up)), last = Int((hi / step + 1e-9).rounded(.down))
        guard first <= last else { return [] }
        return (first...last).map { k in k == 0 ? 0 : Double(k) * step }
    }

    // MARK: - Labels

    /// A short label for a tick at `value` among ticks `step` apart:
    /// ```
    /// 0 -> "0";   0.25 (step 0.05) -> "0.25";   20000 -> "20000";
    /// 0.0002 (step 0.0002) -> "2e-4";   0.00015 (step 5e-5) -> "1.5e-4";   1e6 -> "1e6"
    /// ```
    /// Fixed notation for 1e-3 <= |value| < 1e5, scientific outside.
    static func label(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        let stepExponent = Int((log10(Swift.abs(step)) + 1e-9).rounded(.down))
        let magnitude = Swift.abs(value)
        if magnitude >= 1e-3 && magnitude < 1e5 {
            return fixed(value, decimals: Swift.max(0, -stepExponent))
        }
        var exponent = Int((log10(magnitude) + 1e-9).rounded(.down))
        let digits = Swift.min(3, Swift.max(0, exponent - stepExponent))
        var mantissa = value / tenToThe(exponent)
        // Rounding can carry the mantissa to 10 (9.99 -> "10.0"): renormalize.
        if Swift.abs((mantissa * tenToThe(digits)).rounded()) >= 10 * tenToThe(digits) {
            exponent += 1
            mantissa = value / tenToThe(exponent)
        }
        return fixed(mantissa, decimals: digits) + "e" + String(exponent)
    }

    /// `value` with exactly `decimals` digits after the point, rounded half away from zero.
    static func fixed(_ value: Double, decimals: Int) -> String {
        let scaled = (Swift.abs(value) * tenToThe(decimals)).rounded()
        var digits = String(Int64(scaled))
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (value < 0 && scaled != 0 ? "-" : "") + digits
    }
}

/// 10^k, exact for the integer powers that matter here.
private func tenToThe(_ k: Int) -> Double {
    k >= 0 ? (0..<k).reduce(1.0) { acc, _ in acc * 10 } : 1 / tenToThe(-k)
}

private func tenToThe(_ x: Double) -> Double { pow(10, x) }
