/// What the training loop reports to its caller (the CLI draws the progress bar from these;
/// nothing in the library prints).
public enum TrainingEvent {
    /// After every step: the mean loss and throughput of the current log window (`logged`: the
    /// step whose means were just written to metrics.jsonl, which then starts a new window).
    case step(StepReport)
    case validation(step: Int, loss: Double, improved: Bool)
    /// Feature-net FID and KID mean of samples (`--evaluate-every`).
    case evaluation(step: Int, fid: Double, kid: Double, improved: Bool)
    case checkpoint(step: Int, path: String)
    case samples(step: Int, path: String)
    case finished(reason: StopReason, step: Int)
}

public struct StepReport: Sendable {
    public let step: Int
    public let epoch: Int
    /// Epochs done, with the current one's fraction (2.5: half-way through the third).
    public let epochsDone: Double
    public let loss: Double
    public let learningRate: Float
    public let gradientNorm: Float
    public let imagesPerSecond: Double
    public let secondsPerStep: Double
    /// Total steps of the run when bounded by steps or epochs (for the ETA), else nil.
    public let totalSteps: Int?
    /// Seconds until the --minutes budget runs out, when that is the bound.
    public let secondsLeftInBudget: Double?
    /// Whether this step wrote a metrics.jsonl line.
    public let logged: Bool

    /// Seconds to the end of the run: from the step bound when there is one, else the time budget.
    public var etaSeconds: Double? {
        if let total = totalSteps { return Double(max(0, total - step)) * secondsPerStep }
        return secondsLeftInBudget
    }
}

public enum StopReason: String, Sendable {
    case steps = "step limit reached"
    case epochs = "epoch limit reached"
    case minutes = "time budget used"
    case earlyStopping = "validation loss stopped improving (early stopping)"
    case interrupted = "interrupted; checkpoint saved"
}
