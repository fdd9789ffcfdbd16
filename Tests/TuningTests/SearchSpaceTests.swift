import Foundation
import Testing
import Training
@testable import Tuning

@Suite struct SearchSpaceTests {
    @Test func parsesFloatsIntegersLogScalesAndChoices() throws {
        let space = try SearchSpace(parsing: ["timesteps=200..2000:int:log", "beta-min=1e-5..1e-3:log", "dropout=0..0.3",
                                              "schedule=linear,cosine,log", "training.batchSize=32..128:log:int"])
        #expect(space.parameters.map(\.domain) == [.int(low: 200, high: 2000, log: true), .float(low: 1e-5, high: 1e-3, log: true),
                                                   .float(low: 0, high: 0.3, log: false), .categorical(["linear", "cosine", "log"]),
                                                   .int(low: 32, high: 128, log: true)])
        #expect(space.dimension == 1 + 1 + 1 + 3 + 1)
    }

    @Test(arguments: [
        ("beta-min", "expected NAME=LOW..HIGH"),
        ("beta-min=", "no range or choices"),
        ("=1..2", "the name must be"),
        ("beta-min=1e-3..1e-5", "low bound must be below"),
        ("beta-min=0..1e-3:log", "a :log range must be positive"),
        ("beta-min=a..1", "must both be numbers"),
        ("timesteps=200.5..2000:int", "integer bounds"),
        ("timesteps=200..2000:ints", "unknown modifier ':ints'"),
        ("schedule=linear", "at least two non-empty choices"),
        ("schedule=linear,,log", "at least two non-empty choices"),
        ("schedule=log,log", "listed twice"),
        ("timesteps=1..2..3", "expected a range"),
    ])
    func rejectsMalformedSpecifications(spec: String, message: String) {
        do {
            _ = try SearchSpace.parse(spec)
            Issue.record("\(spec) parsed")
        } catch {
            #expect("\(error)".hasPrefix("--search \(spec): "), "\(error)")
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test func rejectsDuplicatesAndAnEmptySpace() {
        #expect(throws: TuningError.search("beta-min=1..2", "beta-min is searched twice")) {
            try SearchSpace(parsing: ["beta-min=1e-5..1e-3", "beta-min=1..2"])
        }
        #expect(throws: TuningError.self) { try SearchSpace(parsing: []) }
    }

    @Test func unitCubeRoundTripsOnLogAndIntegerScales() throws {
        let t = try SearchSpace.parse("timesteps=200..2000:int:log")
        #expect(t.value(atUnit: 0) == .number(200) && t.value(atUnit: 1) == .number(2000))
        // Every integer owns an equal share of the (log) interval, so the ends are not under-sampled.
        let b = try SearchSpace.parse("beta-min=1e-5..1e-3:log")
        #expect(abs(b.unit(.number(1e-4))! - 0.5) < 1e-12)
        guard case let .number(mid) = b.value(atUnit: 0.5) else { Issue.record("not a number"); return }
        #expect(abs(mid - 1e-4) < 1e-15)
        let space = try SearchSpace(parsing: ["beta-min=1e-5..1e-3:log", "schedule=linear,log"])
        let values: [String: ParameterValue] = ["beta-min": .number(1e-4), "schedule": .choice("log")]
        let x = space.encode(values)
        #expect(abs(x[0] - 0.5) < 1e-12 && x[1] == 0 && x[2] == 1)
        let back = space.decode(x)
        #expect(back["schedule"] == .choice("log"))
        guard case let .number(v) = back["beta-min"]! else { Issue.record("not a number"); return }
        #expect(abs(v - 1e-4) < 1e-15)
    }

    @Test func setsTrainingFlagsAndConfigKeys() throws {
        let base = try TrainConfig().yaml()
        let c = try ConfigOverride.apply(["timesteps": .number(812), "beta-max": .number(0.03), "schedule": .choice("log"),
                                          "training.classDropout": .number(0.2), "epochs": .number(3), "limit": .number(500)], to: base)
        #expect(c.diffusion.timesteps == 812 && c.diffusion.betaMax == 0.03 && c.diffusion.schedule == .log)
        #expect(c.training.classDropout == 0.2 && c.training.epochs == 3 && c.data.limit == 500)
        #expect(c.model == TrainConfig().model)
    }

    @Test func rejectsUnknownKeysAndWrongValuesBeforeTheFirstTrial() throws {
        let base = try TrainConfig().yaml()
        for spec in ["no-such-flag=1..2", "diffusion.nope=1..2", "schedule=linear,banana", "a.b.c=1..2", "channel-multipliers=1,2"] {
            #expect(throws: TuningError.self, "\(spec)") { try ConfigOverride.validate(SearchSpace(parsing: [spec]), base: base) }
        }
        try ConfigOverride.validate(SearchSpace(parsing: ["beta-min=1e-5..1e-3:log", "diffusion.logScale=0.5..10:log", "lr-schedule=constant,cosine"]), base: base)
    }
}
