// NoiseTables against numpy float64 goldens, the identities that tie its tables together, and
// the errors its initializer throws.

import Foundation
import Testing
@testable import Diffusion

struct NoiseTablesTests {
    static let fields: [String: KeyPath<NoiseTables, [Double]>] = [
        "alphaBar": \.alphaBar,
        "alphaBarPrev": \.alphaBarPrev,
        "sqrtAlphaBar": \.sqrtAlphaBar,
        "sqrtOneMinusAlphaBar": \.sqrtOneMinusAlphaBar,
        "sqrtRecipAlphaBar": \.sqrtRecipAlphaBar,
        "sqrtRecipAlphaBarMinusOne": \.sqrtRecipAlphaBarMinusOne,
        "betaTilde": \.betaTilde,
        "posteriorLogVarianceClipped": \.posteriorLogVarianceClipped,
        "posteriorMeanCoef1": \.posteriorMeanCoef1,
        "posteriorMeanCoef2": \.posteriorMeanCoef2,
    ]

    // MARK: - Goldens (float64, scripts/fixtures/schedules.py)

    @Test(arguments: ScheduleGoldens.tables)
    func tablesMatchNumpyFloat64Goldens(_ golden: TableGolden) throws {
        let schedule = try #require(BetaSchedule(rawValue: golden.schedule))
        let field = try #require(Self.fields[golden.field], "no NoiseTables field \(golden.field)")
        let tables = try NoiseTables(schedule: schedule, parameters: golden.parameters)
        expectClose(tables[keyPath: field], at: golden.indices, golden.values, "\(golden.label), \(golden.field)")
    }

    @Test func goldensCoverEveryTableForLinearAndCosine() {
        for schedule in ["linear", "cosine"] {
            let covered = Set(ScheduleGoldens.tables.filter { $0.schedule == schedule }.map(\.field))
            #expect(covered == Set(Self.fields.keys), "\(schedule)")
        }
    }

    // MARK: - The first step, where ᾱ_0 = 1

    @Test func firstStepHasZeroPosteriorVarianceAndClippedLogVariance() throws {
        let tables = try NoiseTables(schedule: .linear)
        #expect(tables.alphaBarPrev[0] == 1)
        #expect(tables.betaTilde[0] == 0)
        #expect(tables.posteriorMeanCoef2[0] == 0)
        #expect(tables.posteriorLogVarianceClipped[0] == Foundation.log(tables.betaTilde[1]))
        #expect(tables.posteriorLogVarianceClipped.allSatisfy { $0.isFinite })
        #expect(Array(tables.posteriorLogVarianceClipped.dropFirst()) == tables.betaTilde.dropFirst().map { Foundation.log($0) })
    }

    @Test func alphaBarPrevIsAlphaBarShiftedByOne() throws {
        let tables = try NoiseTables(schedule: .cosine, parameters: ScheduleParameters(timesteps: 37))
        #expect(Array(tables.alphaBarPrev.dropFirst()) == Array(tables.alphaBar.dropLast()))
    }

    // MARK: - Identities between tables

    /// Seed 004 derives μ̃ = 1/√α_t · (x_t − β_t/√(1 − ᾱ_t) · ε) from μ̃ = c1·x_0 + c2·x_t with
    /// x_0 = sqrtRecipAlphaBar·x_t − sqrtRecipAlphaBarMinusOne·ε. Matching the x_t and ε terms
    /// checks the posterior coefficients against the x_0-from-ε tables.
    /// Tolerance: √(1/ᾱ − 1) cancels while ᾱ ≈ 1, costing up to ~1e-12 relative near t = 1.
    @Test(arguments: BetaSchedule.allCases)
    func posteriorMeanInEpsilonFormMatchesSeedFourDerivation(_ schedule: BetaSchedule) throws {
        let tables = try NoiseTables(schedule: schedule)
        for i in 0..<tables.timesteps {
            let alpha = tables.alphas[i]
            let xtCoefficient = tables.posteriorMeanCoef1[i] * tables.sqrtRecipAlphaBar[i] + tables.posteriorMeanCoef2[i]
            let epsCoefficient = tables.posteriorMeanCoef1[i] * tables.sqrtRecipAlphaBarMinusOne[i]
            let expectedEps = tables.betas[i] / (alpha.squareRoot() * tables.sqrtOneMinusAlphaBar[i])
            #expect(relativeError(xtCoefficient, 1 / alpha.squareRoot()) < 1e-10, "\(schedule) i = \(i)")
            #expect(relativeError(epsCoefficient, expectedEps) < 1e-10, "\(schedule) i = \(i)")
        }
    }

    @Test(arguments: BetaSchedule.allCases)
    func posteriorVarianceNeverExceedsBeta(_ schedule: BetaSchedule) throws {
        // β̃_t = β_t · (1 − ᾱ_{t−1})/(1 − ᾱ_t) and ᾱ_{t−1} > ᾱ_t.
        let tables = try NoiseTables(schedule: schedule)
        for i in 0..<tables.timesteps {
            #expect(tables.betaTilde[i] >= 0 && tables.betaTilde[i] <= tables.betas[i], "\(schedule) i = \(i)")
        }
    }

    @Test func squareRootTablesSquareBackToAlphaBar() throws {
        let tables = try NoiseTables(schedule: .sigmoid)
        for i in 0..<tables.timesteps {
            let signal = tables.sqrtAlphaBar[i] * tables.sqrtAlphaBar[i]
            let noise = tables.sqrtOneMinusAlphaBar[i] * tables.sqrtOneMinusAlphaBar[i]
            #expect(abs(signal + noise - 1) < 1e-15, "i = \(i)")
        }
    }

    // MARK: - Errors

    @Test(arguments: [0.0, -0.01, 1.0, 1.5, Double.nan, Double.infinity])
    func betasOutsideTheOpenUnitIntervalAreRejectedWithTheirIndex(_ bad: Double) {
        let error = #expect(throws: ScheduleError.self) {
            try NoiseTables(betas: [0.01, bad, 0.02], schedule: .linear)
        }
        #expect(error?.parameter == "betas[1] (t = 2) of schedule linear")
        #expect(error?.description.contains("\(bad)") == true)
        #expect(error?.description.contains("(0, 1)") == true)
    }

    @Test func fewerThanTwoBetasAreRejected() {
        let error = #expect(throws: ScheduleError.self) { try NoiseTables(betas: [0.5]) }
        #expect(error?.parameter == "timesteps")
    }

    @Test func alphaBarUnderflowIsRejected() {
        // Σβ ≈ 1000 for linear with T = 100 000, so ᾱ_T ≈ e^−1000 underflows to 0.
        let error = #expect(throws: ScheduleError.self) {
            try NoiseTables(schedule: .linear, parameters: ScheduleParameters(timesteps: 100_000))
        }
        #expect(error?.description.hasPrefix("alphaBar[99999] (t = T = 100000) of schedule linear") == true)
    }
}
