import Foundation
import Testing
@testable import Tuning

/// Standard test functions (Surjanovic & Bingham's library of simulation experiments), minimized
/// with a fixed budget by each sampler over fixed seeds. The mean best value is compared, so the
/// test is deterministic and needs no tolerance on luck.
enum TestFunction {
    /// Branin on x1 ∈ [−5, 10], x2 ∈ [0, 15]; global minimum 0.397887.
    static let braninSpace = SearchSpace([SearchParameter(name: "x1", domain: .float(low: -5, high: 10, log: false)),
                                          SearchParameter(name: "x2", domain: .float(low: 0, high: 15, log: false))])
    static func branin(_ v: [String: ParameterValue]) -> Double {
        guard case let .number(x1) = v["x1"]!, case let .number(x2) = v["x2"]! else { fatalError() }
        let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
        return pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * cos(x1) + 10
    }

    /// Hartmann-6 on [0, 1]⁶; global minimum −3.32237.
    static let hartmannSpace = SearchSpace((1...6).map { SearchParameter(name: "x\($0)", domain: .float(low: 0, high: 1, log: false)) })
    static func hartmann6(_ v: [String: ParameterValue]) -> Double {
        let alpha = [1.0, 1.2, 3.0, 3.2]
        let a: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
        let p: [[Double]] = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                             [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]].map { $0.map { $0 * 1e-4 } }
        let x = (1...6).map { i -> Double in if case let .number(d) = v["x\(i)"]! { return d } else { fatalError() } }
        var sum = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<6 { inner += a[i][j] * pow(x[j] - p[i][j], 2) }
            sum += alpha[i] * exp(-inner)
        }
        return -sum
    }

    /// The best value `sampler` finds in `budget` evaluations of `f`.
    static func minimize(_ f: ([String: ParameterValue]) -> Double, space: SearchSpace, sampler: any Sampler, budget: Int, seed: UInt64) throws -> Double {
        var history: [ObservedTrial] = []
        for n in 0..<budget {
            let values = try sampler.suggest(SamplingContext(space: space, history: history, number: n, seed: seed))
            history.append(ObservedTrial(values: values, objective: f(values)))
        }
        return history.map(\.objective).min()!
    }

    static func meanBest(_ f: ([String: ParameterValue]) -> Double, space: SearchSpace, sampler: any Sampler, budget: Int, seeds: Range<UInt64>) throws -> Double {
        try seeds.map { try minimize(f, space: space, sampler: sampler, budget: budget, seed: $0) }.reduce(0, +) / Double(seeds.count)
    }
}

@Suite struct SamplerBenchmarkTests {
    static let seeds: Range<UInt64> = 0..<6

    /// Mean best value of random search, GP-EI and TPE with the same budget and seeds.
    static func compare(_ f: ([String: ParameterValue]) -> Double, space: SearchSpace, budget: Int, gpStartup: Int) throws
        -> (random: Double, gp: Double, tpe: Double) {
        (try TestFunction.meanBest(f, space: space, sampler: RandomSampler(), budget: budget, seeds: seeds),
         try TestFunction.meanBest(f, space: space, sampler: GPEISampler(startupTrials: gpStartup), budget: budget, seeds: seeds),
         try TestFunction.meanBest(f, space: space, sampler: TPESampler(startupTrials: 10), budget: budget, seeds: seeds))
    }

    @Test func gpAndTPEBeatRandomOnBranin() throws {
        let r = try Self.compare(TestFunction.branin, space: TestFunction.braninSpace, budget: 25, gpStartup: 5)
        #expect(r.gp < r.random && r.tpe < r.random, "Branin, mean best of 25: \(r)")
        #expect(r.gp < 0.5, "GP-EI should get close to the minimum 0.3979 in 25 evaluations: \(r)")
    }

    @Test func gpAndTPEBeatRandomOnHartmann6() throws {
        let r = try Self.compare(TestFunction.hartmann6, space: TestFunction.hartmannSpace, budget: 40, gpStartup: 7)
        #expect(r.gp < r.random && r.tpe < r.random, "Hartmann-6, mean best of 40: \(r)")
    }

    @Test func samplersAreDeterministicAndStayInTheSpace() throws {
        let space = try SearchSpace(parsing: ["timesteps=200..2000:int:log", "beta-max=5e-3..5e-2:log", "schedule=linear,log,cosine"])
        func f(_ v: [String: ParameterValue]) -> Double {
            guard case let .number(t) = v["timesteps"]!, case let .number(b) = v["beta-max"]! else { return 0 }
            return log(t) * b + (v["schedule"] == .choice("log") ? 0 : 0.1)
        }
        for sampler in [GPEISampler(startupTrials: 4), TPESampler(startupTrials: 4), RandomSampler()] as [any Sampler] {
            var history: [ObservedTrial] = []
            for n in 0..<10 {
                let context = SamplingContext(space: space, history: history, number: n, seed: 3)
                let a = try sampler.suggest(context), b = try sampler.suggest(context)
                #expect(a == b)
                for p in space.parameters { #expect(p.contains(a[p.name]!), "\(p.name) = \(a[p.name]!) outside its domain") }
                history.append(ObservedTrial(values: a, objective: f(a)))
            }
        }
    }

    @Test func latinHypercubeHasOnePointPerCell() {
        let points = LatinHypercube.points(count: 8, dimension: 3, seed: 5)
        for d in 0..<3 { #expect(Set(points.map { Int($0[d] * 8) }) == Set(0..<8)) }
    }
}
