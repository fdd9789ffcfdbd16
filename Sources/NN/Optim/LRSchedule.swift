import Foundation

/// Learning-rate (and, for one-cycle, momentum) as a function of the step.
public enum LRSchedule: String, CaseIterable, Codable, Sendable {
    /// Linear warm-up from 0 over `warmupSteps`, then constant.
    case constant
    /// Linear warm-up, then cosine decay to `minRatio`·peak at `totalSteps`.
    case cosine
    /// Smith's one-cycle policy as in seed 000 (PyTorch's OneCycleLR, cosine annealing):
    /// the LR rises from peak/divFactor to peak over pctStart of the run, then falls to
    /// peak/(divFactor·finalDivFactor); β1 moves inversely between 0.95 and 0.85.
    case oneCycle = "one-cycle"
}

/// The parameters of a learning-rate schedule.
public struct LRScheduleSettings: Codable, Equatable, Sendable {
    public var kind: LRSchedule = .constant
    public var peak: Float = 2e-4
    public var warmupSteps: Int = 500
    public var totalSteps: Int = 10_000
    public var minRatio: Float = 0
    public var pctStart: Float = 0.3
    public var divFactor: Float = 25
    public var finalDivFactor: Float = 1e4
    public var maxMomentum: Float = 0.95
    public var baseMomentum: Float = 0.85

    public init(kind: LRSchedule = .constant, peak: Float = 2e-4, warmupSteps: Int = 500, totalSteps: Int = 10_000) {
        self.kind = kind; self.peak = peak; self.warmupSteps = warmupSteps; self.totalSteps = totalSteps
    }

    /// Learning rate for 0-based `step`.
    public func learningRate(at step: Int) -> Float {
        switch kind {
        case .constant:
            return warmupSteps > 0 && step < warmupSteps ? peak * Float(step + 1) / Float(warmupSteps) : peak
        case .cosine:
            if warmupSteps > 0 && step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
            let span = max(1, totalSteps - warmupSteps)
            let progress = min(1, Double(step - warmupSteps) / Double(span))
            let cosine = 0.5 * (1 + Foundation.cos(Double.pi * progress))
            return Float(Double(peak) * (Double(minRatio) + (1 - Double(minRatio)) * cosine))
        case .oneCycle:
            let (initial, final) = (peak / divFactor, peak / (divFactor * finalDivFactor))
            let (phase, p) = oneCyclePhase(step)
            return phase == 0 ? anneal(initial, peak, p) : anneal(peak, final, p)
        }
    }

    /// β1 for one-cycle (nil for other schedules: the optimizer's own β1 applies).
    public func momentum(at step: Int) -> Float? {
        guard kind == .oneCycle else { return nil }
        let (phase, p) = oneCyclePhase(step)
        return phase == 0 ? anneal(maxMomentum, baseMomentum, p) : anneal(baseMomentum, maxMomentum, p)
    }

    /// PyTorch OneCycleLR's two phases: the first ends at step pctStart·total − 1, the second at total − 1.
    private func oneCyclePhase(_ step: Int) -> (Int, Double) {
        let end1 = Double(pctStart) * Double(totalSteps) - 1, end2 = Double(totalSteps - 1)
        let s = Double(min(step, totalSteps - 1))
        if s <= end1 { return (0, end1 > 0 ? s / end1 : 1) }
        return (1, end2 > end1 ? (s - end1) / (end2 - end1) : 1)
    }

    /// Cosine interpolation from `start` to `end` as `p` goes 0 → 1, in Double: at p = 1, Float's
    /// 1 + cos(π) leaves ~1e-8 instead of 0, which is 1000× the final learning rate (peak/2.5e5).
    private func anneal(_ start: Float, _ end: Float, _ p: Double) -> Float {
        Float(Double(end) + (Double(start) - Double(end)) / 2 * (1 + Foundation.cos(Double.pi * p)))
    }
}
