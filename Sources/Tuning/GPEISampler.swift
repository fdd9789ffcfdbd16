import Foundation
import TensorCore

/// The default sampler (seed 000 §4.3): `startupTrials` Latin-hypercube points, then the point of
/// largest Expected Improvement under a Matérn 5/2 ARD Gaussian process fitted by marginal
/// likelihood to the complete trials (inputs in the unit cube, log scale where asked,
/// categoricals one-hot). Trials that other workers are running enter the GP at the best value
/// seen so far (the "constant liar"), so concurrent workers do not pick the same point.
public struct GPEISampler: Sampler {
    public var startupTrials: Int
    /// Random candidates for the acquisition search, plus local ones around the best trials.
    static let globalCandidates = 1000
    static let localCandidates = 120
    static let neighbourhoods = 5
    static let refinements = 80

    public init(startupTrials: Int = 5) { self.startupTrials = max(1, startupTrials) }

    public func suggest(_ context: SamplingContext) throws -> [String: ParameterValue] {
        let space = context.space
        let complete = context.complete
        if context.number < startupTrials {
            let design = LatinHypercube.points(count: startupTrials, dimension: space.parameters.count, seed: context.seed)
            return space.values(atUnitPoint: design[context.number])
        }
        guard complete.count >= 2 else { return try RandomSampler().suggest(context) }

        let best = complete.map(\.objective).min()!
        var inputs = complete.map { space.encode($0.values) }
        var targets = complete.map(\.objective)
        for p in context.pending {
            inputs.append(space.encode(p))
            targets.append(best)
        }
        let gp = try GaussianProcess.fitted(inputs: inputs, targets: targets, seed: context.seed &+ UInt64(context.number))
        var rng = context.generator
        func acquisition(_ u: [Double]) -> Double {
            let p = gp.predict(space.encode(space.values(atUnitPoint: u)))
            return ExpectedImprovement.value(mean: p.mean, variance: p.variance, best: best)
        }

        // 1. Global random candidates and Gaussian perturbations of the best trials.
        let m = space.parameters.count
        var candidates = (0..<Self.globalCandidates).map { _ in (0..<m).map { _ in rng.nextDouble() } }
        let anchors = complete.sorted { $0.objective < $1.objective }.prefix(Self.neighbourhoods).map { unitPoint(space, $0.values) }
        for anchor in anchors {
            for k in 0..<Self.localCandidates {
                let width = k % 2 == 0 ? 0.02 : 0.1
                candidates.append(anchor.map { min(1, max(0, $0 + width * rng.nextGaussian())) })
            }
        }
        var bestPoint = candidates[0], bestValue = -Double.infinity
        for c in candidates {
            let a = acquisition(c)
            if a > bestValue { (bestPoint, bestValue) = (c, a) }
        }
        // 2. Local refinement of the winner with shrinking steps.
        for k in 0..<Self.refinements {
            let width = 0.05 * pow(0.96, Double(k))
            let trial = bestPoint.map { min(1, max(0, $0 + width * rng.nextGaussian())) }
            let a = acquisition(trial)
            if a > bestValue { (bestPoint, bestValue) = (trial, a) }
        }
        return space.values(atUnitPoint: bestPoint)
    }

    /// A trial's values as one coordinate per parameter (a categorical at the middle of its cell).
    private func unitPoint(_ space: SearchSpace, _ values: [String: ParameterValue]) -> [Double] {
        space.parameters.map { p in
            if case let .categorical(choices) = p.domain, case let .choice(c) = values[p.name]! {
                return (Double(choices.firstIndex(of: c)!) + 0.5) / Double(choices.count)
            }
            return p.unit(values[p.name]!)!
        }
    }
}
