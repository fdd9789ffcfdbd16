import Figures

/// A numeric field of `metrics.jsonl`, named by its JSON key: what `ddpm plot --metric` draws.
public enum MetricsField: String, CaseIterable, Sendable {
    case loss, validationLoss, lossQ1, lossQ2, lossQ3, lossQ4, lr, gradNorm, imagesPerSecond, fidFeatureNet, kid

    public func value(in r: MetricsRecord) -> Double? {
        switch self {
        case .loss: r.loss
        case .validationLoss: r.validationLoss
        case .lossQ1: r.lossQ1
        case .lossQ2: r.lossQ2
        case .lossQ3: r.lossQ3
        case .lossQ4: r.lossQ4
        case .lr: r.lr
        case .gradNorm: r.gradNorm
        case .imagesPerSecond: r.imagesPerSecond
        case .fidFeatureNet: r.fidFeatureNet
        case .kid: r.kid
        }
    }

    /// The fields present in at least one record, in declaration order (for "it logged: …" hints).
    public static func present(in records: [MetricsRecord]) -> [MetricsField] {
        allCases.filter { f in records.contains { f.value(in: $0) != nil } }
    }

    /// This field over the training step, from the records that have it; a resumed run that
    /// logged a step twice keeps the later line (the one its checkpoints continue).
    public func series(name: String, records: [MetricsRecord]) -> LinePlot.Series {
        var byStep: [Int: Double] = [:]
        for r in records { if let v = value(in: r) { byStep[r.step] = v } }
        let steps = byStep.keys.sorted()
        return LinePlot.Series(name: name, x: steps.map(Double.init), y: steps.map { byStep[$0]! })
    }
}
