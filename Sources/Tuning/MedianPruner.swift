/// The median stopping rule, as Optuna's `MedianPruner` applies it (minimization): a running trial
/// is stopped at a reported step when its best intermediate value so far is worse than the median
/// of the values the complete trials reported at that same step. Nothing is pruned before
/// `startupTrials` trials have completed, before `warmupSteps`, or at a step that fewer than
/// `minimumTrials` complete trials reached.
public struct MedianPruner: Codable, Equatable, Sendable {
    public var startupTrials: Int
    public var warmupSteps: Int
    public var minimumTrials: Int

    public init(startupTrials: Int = 5, warmupSteps: Int = 0, minimumTrials: Int = 1) {
        self.startupTrials = startupTrials
        self.warmupSteps = warmupSteps
        self.minimumTrials = minimumTrials
    }

    /// `intermediate` is the running trial's (step, value) reports in order; `completed` holds the
    /// reports of every complete trial, keyed by step.
    public func shouldPrune(intermediate: [(step: Int, value: Double)], completed: [[Int: Double]]) -> Bool {
        guard completed.count >= startupTrials, let last = intermediate.last, last.step >= warmupSteps else { return false }
        let best = intermediate.map(\.value).filter { !$0.isNaN }.min() ?? .nan
        let atStep = completed.compactMap { $0[last.step] }.filter { !$0.isNaN }
        guard atStep.count >= max(1, minimumTrials) else { return false }
        guard !best.isNaN else { return true }  // a trial whose every report is NaN has diverged
        return best > Self.median(atStep)
    }

    /// The median with linear interpolation between the two middle values (numpy's percentile 50).
    static func median(_ values: [Double]) -> Double {
        let s = values.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2])
    }
}
