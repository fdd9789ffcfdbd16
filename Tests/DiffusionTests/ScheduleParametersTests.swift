// ScheduleParameters: defaults, decoding with missing keys, and one-line validation errors
// that name the parameter.

import Foundation
import Testing
@testable import Diffusion

struct ScheduleParametersTests {
    @Test func defaultsAreHoEtAlWithNicholDhariwalOffset() {
        let p = ScheduleParameters()
        #expect(p.timesteps == 1000)
        #expect(p.betaMin == 1e-4)
        #expect(p.betaMax == 0.02)
        #expect(p.logScale == 1)
        #expect(p.cosineOffset == 0.008)
    }

    @Test func missingKeysDecodeToDefaults() throws {
        let json = Data(#"{"timesteps": 500, "betaMax": 0.03}"#.utf8)
        let p = try JSONDecoder().decode(ScheduleParameters.self, from: json)
        #expect(p == ScheduleParameters(timesteps: 500, betaMax: 0.03))
    }

    @Test func encodingRoundTripsEveryField() throws {
        let p = ScheduleParameters(timesteps: 1931, betaMin: 6.4127417e-05, betaMax: 0.042472445, logScale: 0.3, cosineOffset: 0.01)
        let decoded = try JSONDecoder().decode(ScheduleParameters.self, from: JSONEncoder().encode(p))
        #expect(decoded == p)
    }

    @Test func scheduleSpellingsDecodeFromConfigs() throws {
        let json = Data(#"["scaled-linear", "cosine-beta", "log"]"#.utf8)
        #expect(try JSONDecoder().decode([BetaSchedule].self, from: json) == [.scaledLinear, .cosineBeta, .log])
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        let parameters: ScheduleParameters
        let parameter: String
        let value: String
        var testDescription: String { "\(parameter) = \(value)" }

        static let all: [InvalidCase] = [
            InvalidCase(parameters: ScheduleParameters(betaMax: 1), parameter: "betaMax", value: "1.0"),
            InvalidCase(parameters: ScheduleParameters(betaMax: 1.5), parameter: "betaMax", value: "1.5"),
            InvalidCase(parameters: ScheduleParameters(betaMin: -1e-4), parameter: "betaMin", value: "-0.0001"),
            InvalidCase(parameters: ScheduleParameters(betaMin: 0), parameter: "betaMin", value: "0.0"),
            InvalidCase(parameters: ScheduleParameters(betaMin: 0.03), parameter: "betaMin", value: "0.03"),
            InvalidCase(parameters: ScheduleParameters(timesteps: 1), parameter: "timesteps", value: "1"),
            InvalidCase(parameters: ScheduleParameters(timesteps: 0), parameter: "timesteps", value: "0"),
            InvalidCase(parameters: ScheduleParameters(betaMax: .nan), parameter: "betaMax", value: "nan"),
            InvalidCase(parameters: ScheduleParameters(betaMin: -.infinity), parameter: "betaMin", value: "-inf"),
            InvalidCase(parameters: ScheduleParameters(logScale: 0), parameter: "logScale", value: "0.0"),
            InvalidCase(parameters: ScheduleParameters(cosineOffset: -0.1), parameter: "cosineOffset", value: "-0.1"),
        ]
    }

    @Test(arguments: InvalidCase.all)
    func invalidParametersThrowAOneLineErrorNamingTheParameter(_ c: InvalidCase) {
        let error = #expect(throws: ScheduleError.self) { try c.parameters.validate() }
        #expect(error?.parameter == c.parameter)
        #expect(error?.description.hasPrefix("\(c.parameter) = \(c.value): ") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test(arguments: BetaSchedule.allCases)
    func everyScheduleValidatesBeforeComputing(_ schedule: BetaSchedule) {
        // betaMax is unused by cosine but still checked, so switching schedule cannot hide it.
        let error = #expect(throws: ScheduleError.self) { try schedule.betas(ScheduleParameters(betaMax: 1)) }
        #expect(error?.description == "betaMax = 1.0: must be < 1 (a step with beta = 1 discards all of x_0 and makes alphaBar 0)")
    }

    @Test func betaMinAboveBetaMaxNamesBoth() {
        let error = #expect(throws: ScheduleError.self) { try ScheduleParameters(betaMin: 0.03, betaMax: 0.02).validate() }
        #expect(error?.description == "betaMin = 0.03: must not exceed betaMax = 0.02")
    }

    @Test func equalBetaMinAndBetaMaxAreAllowed() throws {
        let betas = try BetaSchedule.exponential.betas(ScheduleParameters(timesteps: 5, betaMin: 0.01, betaMax: 0.01))
        #expect(betas.count == 5)
        #expect(betas.allSatisfy { relativeError($0, 0.01) < 1e-15 })
    }
}
