// Beta schedules against numpy float64 goldens, plus the endpoint and shape claims their doc
// comments make.

import Foundation
import Testing
@testable import Diffusion

struct BetaScheduleTests {
    // MARK: - Goldens (float64, scripts/fixtures/schedules.py)

    @Test(arguments: ScheduleGoldens.betas)
    func betasMatchNumpyFloat64Goldens(_ golden: BetaGolden) throws {
        let schedule = try #require(BetaSchedule(rawValue: golden.schedule))
        let betas = try schedule.betas(golden.parameters)
        #expect(betas.count == golden.parameters.timesteps)
        expectClose(betas, at: golden.indices, golden.values, golden.label)
    }

    @Test func everyScheduleHasGoldensAtTOneThousandAndTTen() {
        for schedule in BetaSchedule.allCases {
            let sizes = Set(ScheduleGoldens.betas.filter { $0.schedule == schedule.rawValue }.map(\.parameters.timesteps))
            #expect(sizes.isSuperset(of: [10, 1000]), "\(schedule) lacks goldens for T = 10 or T = 1000")
        }
    }

    @Test func goldenComparisonCatchesAnErrorAboveTheTolerance() {
        withKnownIssue("a value off by 1e-11 relative must fail") {
            expectClose([1.0 + 1e-11], at: [0], [1.0], "perturbed value")
        }
    }

    // MARK: - Spellings

    @Test func rawValuesAreTheCLISpellings() {
        #expect(BetaSchedule.allCases.map(\.rawValue) ==
                ["linear", "cosine", "quadratic", "scaled-linear", "exponential", "log", "sigmoid", "cosine-beta"])
    }

    // MARK: - Endpoints (the t/T reading settled in BetaSchedule's doc comment)

    @Test func linearScheduleStartsAtBetaMinAndEndsAtBetaMax() throws {
        let betas = try BetaSchedule.linear.betas(ScheduleParameters())
        #expect(betas.first == 1e-4)
        #expect(betas.last == 0.02)
    }

    @Test(arguments: [BetaSchedule.linear, .quadratic, .exponential, .log])
    func seedZeroCurvesHitBothEndpointsExactly(_ schedule: BetaSchedule) throws {
        // Odd values, so an ulp slip in β_min + w·(β_max − β_min) would show.
        let p = ScheduleParameters(timesteps: 1931, betaMin: 0.0003399997, betaMax: 0.039108512, logScale: 0.3)
        let betas = try schedule.betas(p)
        #expect(betas.first == p.betaMin)
        #expect(betas.last == p.betaMax)
    }

    @Test func scaledLinearIsADifferentCurveFromQuadratic() throws {
        let p = ScheduleParameters(timesteps: 1000)
        let quadratic = try BetaSchedule.quadratic.betas(p)
        let scaled = try BetaSchedule.scaledLinear.betas(p)
        // Same endpoints; in the middle (√β_min + √β_max)²/4 ≈ 0.0058 against β_min + Δ/4 ≈ 0.0051.
        #expect(relativeError(scaled[0], quadratic[0]) < 1e-15)
        #expect(relativeError(scaled[999], quadratic[999]) < 1e-15)
        #expect(relativeError(scaled[499], quadratic[499]) > 0.1)
    }

    @Test func cosineBetaDecreasesFromBetaMaxAsPrinted() throws {
        let p = ScheduleParameters()
        let betas = try BetaSchedule.cosineBeta.betas(p)
        #expect(betas.first == p.betaMax)
        #expect(zip(betas, betas.dropFirst()).allSatisfy { $0 > $1 })
        #expect(betas.last! > p.betaMin + 0.28 * (p.betaMax - p.betaMin))
    }

    @Test func sigmoidStaysInsideBetaMinAndBetaMaxAsPublished() throws {
        let p = ScheduleParameters()
        let betas = try BetaSchedule.sigmoid.betas(p)
        #expect(betas.allSatisfy { $0 > p.betaMin && $0 < p.betaMax })
        #expect(zip(betas, betas.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func cosineClipsTheLastBetaAtPointNineNineNine() throws {
        let betas = try BetaSchedule.cosine.betas(ScheduleParameters())
        #expect(betas.last == BetaSchedule.maxCosineBeta)
        #expect(betas.dropLast().allSatisfy { $0 < BetaSchedule.maxCosineBeta })
    }

    // MARK: - Parameters reach the formulas that read them

    @Test func logScaleChangesOnlyTheLogSchedule() throws {
        let base = ScheduleParameters()
        var scaled = base
        scaled.logScale = 0.01
        for schedule in BetaSchedule.allCases {
            let changed = try schedule.betas(base) != schedule.betas(scaled)
            #expect(changed == (schedule == .log), "\(schedule)")
        }
    }

    @Test func cosineOffsetChangesOnlyTheTwoCosineSchedules() throws {
        let base = ScheduleParameters()
        var shifted = base
        shifted.cosineOffset = 0.02
        for schedule in BetaSchedule.allCases {
            let changed = try schedule.betas(base) != schedule.betas(shifted)
            #expect(changed == (schedule == .cosine || schedule == .cosineBeta), "\(schedule)")
        }
    }

    @Test func logScaleOneIsLogTOverLogT() throws {
        // With c = 1 the weight log(1 + i)/log(1 + (T − 1)) is ln t / ln T for t = i + 1.
        let p = ScheduleParameters(timesteps: 1000)
        let betas = try BetaSchedule.log.betas(p)
        for t in [2, 10, 100, 500] {
            let w = Foundation.log(Double(t)) / Foundation.log(1000)
            let expected = p.betaMin + w * (p.betaMax - p.betaMin)
            #expect(relativeError(betas[t - 1], expected) < 1e-14, "t = \(t)")
        }
    }
}
