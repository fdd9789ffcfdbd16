// Respaced betas for sampling on a subsequence: identity when nothing is skipped, the same ᾱ
// at every visited step, and a numpy golden.

import Testing
@testable import Diffusion

struct RespacingTests {
    /// 1 − ᾱ_t/ᾱ_{t−1} recovers β_t from a rounded product: a one-ulp error in the ratio is
    /// 1.1e-16/β_t relative, ~1e-12 at β = 1e-4, so the identity is checked at 1e-10.
    @Test(arguments: BetaSchedule.allCases)
    func respacingWithEveryStepReturnsTheOriginalBetas(_ schedule: BetaSchedule) throws {
        let tables = try NoiseTables(schedule: schedule)
        let visited = try TimestepSpacing.trailing.visitedIndices(steps: 1000, of: 1000)
        let respaced = try tables.respaced(visiting: visited)
        #expect(respaced.indices == Array(0..<1000))
        for i in 0..<1000 {
            #expect(relativeError(respaced.betas[i], tables.betas[i]) < 1e-10, "\(schedule) i = \(i)")
        }
    }

    /// The short chain rebuilds ᾱ[τ_k] as a product of 1 − β'_k = 1 − (1 − r_k), which carries an
    /// absolute error of ~1e-16 in each ratio r_k. Cosine's last visited steps have r_k down to
    /// ~1e-4 (its final β is clipped at 0.999), so the relative error reaches ~4e-12; checked at 1e-10.
    @Test(arguments: TimestepSpacing.allCases, [BetaSchedule.linear, .cosine])
    func respacedChainReachesTheSameAlphaBarAtEveryVisitedStep(_ spacing: TimestepSpacing, _ schedule: BetaSchedule) throws {
        let tables = try NoiseTables(schedule: schedule)
        let respaced = try tables.respaced(visiting: spacing.visitedIndices(steps: 50, of: 1000))
        let short = try NoiseTables(betas: respaced.betas)
        for (k, i) in respaced.indices.enumerated() {
            #expect(relativeError(short.alphaBar[k], tables.alphaBar[i]) < 1e-10, "\(spacing) \(schedule) k = \(k)")
        }
    }

    @Test func trailingTenOfLinearMatchesNumpyGolden() throws {
        // float64, scripts/fixtures/schedules.py
        let tables = try NoiseTables(schedule: .linear)
        let respaced = try tables.respaced(visiting: TimestepSpacing.trailing.visitedIndices(steps: 10, of: 1000))
        #expect(respaced.indices == [99, 199, 299, 399, 499, 599, 699, 799, 899, 999])
        expectClose(respaced.betas, at: Array(0..<10), ScheduleGoldens.respacedLinearTrailing10, "respaced linear")
    }

    @Test func visitingOrderDoesNotMatter() throws {
        let tables = try NoiseTables(schedule: .linear, parameters: ScheduleParameters(timesteps: 10))
        #expect(try tables.respaced(visiting: [9, 7, 5, 3, 1]) == tables.respaced(visiting: [1, 3, 5, 7, 9]))
        #expect(try tables.respaced(visiting: [3, 9]).betas[0] == 1 - tables.alphaBar[3])
    }

    @Test(arguments: [[Int](), [3, 3], [-1, 4], [2, 10]])
    func invalidVisitedListsAreRejected(_ visited: [Int]) throws {
        let tables = try NoiseTables(schedule: .linear, parameters: ScheduleParameters(timesteps: 10))
        let error = #expect(throws: ScheduleError.self) { try tables.respaced(visiting: visited) }
        #expect(error?.parameter == "visited")
        #expect(error?.description.contains("\(visited)") == true)
    }
}
