// Properties every schedule must have whatever its formula: valid betas, a strictly decreasing
// ᾱ, and an x_T close to N(0, I) or a warning saying it is not.

import Testing
@testable import Diffusion

struct ScheduleInvariantTests {
    /// T values for the invariants: the default, the smallest allowed, and an odd one.
    static let timestepCounts = [1000, 2, 37]

    @Test(arguments: BetaSchedule.allCases, timestepCounts)
    func betasLieStrictlyBetweenZeroAndOne(_ schedule: BetaSchedule, timesteps: Int) throws {
        let betas = try schedule.betas(ScheduleParameters(timesteps: timesteps))
        #expect(betas.count == timesteps)
        for (i, beta) in betas.enumerated() {
            #expect(beta > 0 && beta < 1, "\(schedule): betas[\(i)] = \(beta)")
        }
    }

    @Test(arguments: BetaSchedule.allCases, timestepCounts)
    func alphaBarDecreasesStrictlyFromBelowOne(_ schedule: BetaSchedule, timesteps: Int) throws {
        let tables = try NoiseTables(schedule: schedule, parameters: ScheduleParameters(timesteps: timesteps))
        #expect(tables.alphaBar[0] < 1 && tables.alphaBar[timesteps - 1] > 0)
        for i in 1..<timesteps {
            #expect(tables.alphaBar[i] < tables.alphaBar[i - 1], "\(schedule): alphaBar[\(i)] = \(tables.alphaBar[i])")
        }
    }

    /// With the defaults (T = 1000, 1e-4 … 0.02) every schedule ends near pure noise except
    /// seed 000's exponential, whose √ᾱ_T is 0.15: its geometric betas stay small too long.
    @Test(arguments: BetaSchedule.allCases)
    func onlyExponentialLeavesSignalInXTWithTheDefaults(_ schedule: BetaSchedule) throws {
        let tables = try NoiseTables(schedule: schedule)
        let residual = tables.sqrtAlphaBar[999]
        if schedule == .exponential {
            #expect(residual > 0.15 && residual < 0.16)
            #expect(tables.terminalSignalWarning != nil)
        } else {
            #expect(residual < NoiseTables.terminalSignalThreshold, "\(schedule): sqrt(alphaBar_T) = \(residual)")
            #expect(tables.terminalSignalWarning == nil, "\(schedule)")
        }
    }

    @Test func terminalSignalWarningFiresForLinearWithFiftySteps() throws {
        let tables = try NoiseTables(schedule: .linear, parameters: ScheduleParameters(timesteps: 50))
        let warning = try #require(tables.terminalSignalWarning)
        #expect(warning.contains("linear"))
        #expect(warning.contains("T = 50"))
        #expect(warning.contains("= 0.776 >"))   // √ᾱ_T = 0.77648… for T = 50
        #expect(!warning.contains("\n"))
    }

    @Test func terminalSignalWarningIsSilentForHoLinearSchedule() throws {
        let tables = try NoiseTables(schedule: .linear)
        #expect(tables.terminalSignalWarning == nil)
        #expect(tables.sqrtAlphaBar[999] < 0.0064)
    }

    @Test func terminalSignalWarningSwitchesBetweenT592And593ForLinear() throws {
        // The threshold crossing quoted in NoiseTables.terminalSignalWarning's doc comment.
        let short = try NoiseTables(schedule: .linear, parameters: ScheduleParameters(timesteps: 592))
        let long = try NoiseTables(schedule: .linear, parameters: ScheduleParameters(timesteps: 593))
        #expect(short.terminalSignalWarning != nil)
        #expect(long.terminalSignalWarning == nil)
    }

    @Test func terminalSignalWarningFiresForStableDiffusionSchedule() throws {
        // Lin et al. 2023: Stable Diffusion's schedule keeps √ᾱ_T = 0.068265.
        let p = ScheduleParameters(timesteps: 1000, betaMin: 0.00085, betaMax: 0.012)
        let tables = try NoiseTables(schedule: .scaledLinear, parameters: p)
        #expect(abs(tables.sqrtAlphaBar[999] - 0.068265) < 1e-6)
        #expect(tables.terminalSignalWarning != nil)
    }

    @Test func terminalSignalWarningWithoutScheduleSaysTheseBetas() throws {
        let tables = try NoiseTables(betas: [0.1, 0.1, 0.1])
        let warning = try #require(tables.terminalSignalWarning)
        #expect(warning.contains("these betas with T = 3"))
    }
}
