// Golden-case types for ScheduleGoldens.swift and the element-by-element comparison the
// schedule tests use. A failure names the case, the index, t, both values and the error.

import Testing
@testable import Diffusion

/// Betas of one schedule at chosen indices, from scripts/fixtures/schedules.py.
struct BetaGolden: Sendable, CustomTestStringConvertible {
    let label: String
    /// The CLI/YAML spelling, so the fixture also pins the raw values.
    let schedule: String
    let parameters: ScheduleParameters
    let indices: [Int]
    let values: [Double]

    var testDescription: String { label }
}

/// One `NoiseTables` field at chosen indices, from scripts/fixtures/schedules.py.
struct TableGolden: Sendable, CustomTestStringConvertible {
    let label: String
    let schedule: String
    /// The Swift property name, e.g. "betaTilde".
    let field: String
    let parameters: ScheduleParameters
    let indices: [Int]
    let values: [Double]

    var testDescription: String { "\(label), \(field)" }
}

/// Relative tolerance for goldens. Swift and numpy evaluate the same closed forms in float64
/// in different operation orders (e.g. (1 − u)·a + u·b against numpy's a + i·step), which moves
/// results by a few ulps: the worst difference measured is 1.0e-15, and cosine matches bit for
/// bit, so 1e-12 is a thousandfold margin while a formula or index error shows at 1e-4 or worse.
/// NOTE: 1 − ᾱ_t/ᾱ_{t−1} cancels for small cosine betas; on a platform whose cos differs from
/// glibc's by an ulp, cosine at t = 1 could drift by ~5e-12 and fail here. That is a real
/// platform difference to look at, not noise to widen the tolerance for.
let goldenRelativeTolerance = 1e-12

/// |a − e| / max(|a|, |e|), and 0 when both are 0.
func relativeError(_ a: Double, _ e: Double) -> Double {
    let scale = max(abs(a), abs(e))
    return scale == 0 ? 0 : abs(a - e) / scale
}

/// Expects `actual[indices[k]] ≈ expected[k]` for every k, recording one issue per bad element.
func expectClose(
    _ actual: [Double], at indices: [Int], _ expected: [Double],
    relativeTolerance: Double = goldenRelativeTolerance, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(indices.count == expected.count, "\(what): \(indices.count) indices but \(expected.count) expected values",
            sourceLocation: sourceLocation)
    for (k, i) in indices.enumerated() where k < expected.count {
        guard i < actual.count else {
            Issue.record("\(what): index \(i) is outside the \(actual.count) computed values", sourceLocation: sourceLocation)
            continue
        }
        let error = relativeError(actual[i], expected[k])
        #expect(error <= relativeTolerance,
                "\(what): index \(i) (t = \(i + 1)): expected \(expected[k]), got \(actual[i]), relative error \(error)",
                sourceLocation: sourceLocation)
    }
}
