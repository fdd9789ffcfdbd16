import Foundation
import TensorCore

/// A finished trial as the samplers see it.
public struct ObservedTrial: Sendable {
    public var values: [String: ParameterValue]
    /// The objective (complete trials) or the last intermediate value (pruned ones).
    public var objective: Double
    public var pruned: Bool

    public init(values: [String: ParameterValue], objective: Double, pruned: Bool = false) {
        self.values = values
        self.objective = objective
        self.pruned = pruned
    }
}

/// What a sampler is told when asked for trial `number` (minimization).
public struct SamplingContext: Sendable {
    public var space: SearchSpace
    /// Complete and pruned trials (failed ones are left out).
    public var history: [ObservedTrial]
    /// Values of trials other workers are running now.
    public var pending: [[String: ParameterValue]]
    public var number: Int
    public var seed: UInt64

    public init(space: SearchSpace, history: [ObservedTrial], pending: [[String: ParameterValue]] = [], number: Int, seed: UInt64) {
        self.space = space
        self.history = history
        self.pending = pending
        self.number = number
        self.seed = seed
    }

    /// The generator for this trial: the same study seed and trial number give the same draws,
    /// whichever worker asks.
    public var generator: RandomGenerator { RandomGenerator(seed: seed, stream: 0x7475_6e65_0000_0000 | UInt64(number)) }

    /// Complete trials only.
    public var complete: [ObservedTrial] { history.filter { !$0.pruned } }
}

public protocol Sampler: Sendable {
    func suggest(_ context: SamplingContext) throws -> [String: ParameterValue]
}

public enum SamplerKind: String, Codable, CaseIterable, Sendable {
    case gp, tpe, random

    public func make(startupTrials: Int) -> any Sampler {
        switch self {
        case .gp: GPEISampler(startupTrials: startupTrials)
        case .tpe: TPESampler(startupTrials: startupTrials)
        case .random: RandomSampler()
        }
    }
}

/// One coordinate per parameter in [0, 1) (a categorical picks the choice whose cell holds u):
/// the space the start designs and TPE sample in.
extension SearchSpace {
    public func values(atUnitPoint u: [Double]) -> [String: ParameterValue] {
        precondition(u.count == parameters.count)
        return Dictionary(uniqueKeysWithValues: zip(parameters, u).map { ($0.name, $0.value(atUnit: $1)) })
    }
}

extension RandomGenerator {
    /// A standard normal draw (Box–Muller).
    mutating func nextGaussian() -> Double {
        let u1 = max(nextDouble(), 1e-300), u2 = nextDouble()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// Independent uniform draws in the unit cube (log scale where asked).
public struct RandomSampler: Sampler {
    public init() {}

    public func suggest(_ context: SamplingContext) throws -> [String: ParameterValue] {
        var rng = context.generator
        return context.space.values(atUnitPoint: context.space.parameters.map { _ in rng.nextDouble() })
    }
}

/// A seeded Latin hypercube of `count` points in `dimension` coordinates: each coordinate's
/// [0, 1) is cut into `count` cells and every cell holds exactly one point (McKay et al. 1979).
/// Used for the space-filling start trials; point k is the same for every worker.
public enum LatinHypercube {
    public static func points(count: Int, dimension: Int, seed: UInt64) -> [[Double]] {
        var rng = RandomGenerator(seed: seed, stream: 0x6c68_7300)  // "lhs"
        var columns: [[Double]] = []
        for _ in 0..<dimension {
            let cells = Array(0..<count).shuffled(using: &rng)
            columns.append(cells.map { (Double($0) + rng.nextDouble()) / Double(count) })
        }
        return (0..<count).map { k in columns.map { $0[k] } }
    }
}
