import Foundation

/// What a trial's result is measured by (lower is better).
public enum ObjectiveKind: String, Codable, CaseIterable, Sendable {
    /// The best validation ε-loss of the trial (seed 000's choice): not comparable across T or schedules.
    case valLoss = "val-loss"
    /// Feature-net FID of samples from the trial's model (`ddpm evaluate`).
    case fid
}

/// Everything fixed for a study, stored in the first line of its journal so `--resume` needs no flags.
public struct StudySettings: Codable, Equatable, Sendable {
    public var space: SearchSpace
    public var sampler: SamplerKind
    public var objective: ObjectiveKind
    /// Finished trials (complete, pruned or failed) the study runs to.
    public var trials: Int
    public var minutesPerTrial: Double
    public var startupTrials: Int
    /// nil: no pruning.
    public var pruner: MedianPruner?
    public var seed: UInt64
    /// The resolved training configuration every trial starts from (YAML).
    public var baseConfig: String
    /// Images sampled per trial for the FID objective.
    public var evaluateImages: Int?
    /// A name for the study in side-by-side reports (e.g. the schedule).
    public var label: String

    public init(space: SearchSpace, sampler: SamplerKind, objective: ObjectiveKind, trials: Int, minutesPerTrial: Double,
                startupTrials: Int, pruner: MedianPruner?, seed: UInt64, baseConfig: String, evaluateImages: Int? = nil, label: String) {
        self.space = space
        self.sampler = sampler
        self.objective = objective
        self.trials = trials
        self.minutesPerTrial = minutesPerTrial
        self.startupTrials = startupTrials
        self.pruner = pruner
        self.seed = seed
        self.baseConfig = baseConfig
        self.evaluateImages = evaluateImages
        self.label = label
    }
}

public enum TrialState: String, Codable, Sendable {
    case running, complete, pruned, failed
    /// The worker died or was interrupted: the trial does not count towards the budget and its
    /// point is tried again.
    case lost
}

/// A trial as replayed from the journal.
public struct TrialRecord: Sendable {
    public var number: Int
    public var values: [String: ParameterValue]
    public var state: TrialState
    public var reports: [(step: Int, value: Double)] = []
    public var value: Double?
    public var wallSeconds: Double?
    public var cpuSeconds: Double?
    public var message: String?
    public var worker: String
    public var started: Double
    /// Time of the trial's latest journal line (heartbeats included).
    public var lastSeen: Double

    public var isFinished: Bool { state == .complete || state == .pruned || state == .failed }
}

/// The study as its journal describes it.
public struct StudyState: Sendable {
    public var settings: StudySettings
    public var trials: [TrialRecord]

    public init(records: [JournalRecord]) {
        settings = records[0].settings!
        var byNumber: [Int: TrialRecord] = [:]
        var order: [Int] = []
        for r in records.dropFirst() {
            guard let n = r.trial else { continue }
            switch r.op {
            case .start:
                guard byNumber[n] == nil, let values = r.values else { continue }
                byNumber[n] = TrialRecord(number: n, values: values, state: .running, worker: r.worker ?? "?", started: r.time, lastSeen: r.time)
                order.append(n)
            case .report:
                guard byNumber[n]?.state == .running, let step = r.step, let v = r.value else { continue }
                byNumber[n]!.reports.append((step, v))
                byNumber[n]!.lastSeen = r.time
            case .beat:
                byNumber[n]?.lastSeen = r.time
            case .finish:
                guard byNumber[n]?.state == .running, let state = r.state else { continue }
                byNumber[n]!.state = state
                byNumber[n]!.value = r.value
                byNumber[n]!.wallSeconds = r.wallSeconds
                byNumber[n]!.cpuSeconds = r.cpuSeconds
                byNumber[n]!.message = r.message
                byNumber[n]!.lastSeen = r.time
            case .study:
                continue
            }
        }
        trials = order.map { byNumber[$0]! }
    }

    public var finishedCount: Int { trials.filter(\.isFinished).count }
    public var running: [TrialRecord] { trials.filter { $0.state == .running } }
    public var nextNumber: Int { (trials.map(\.number).max() ?? -1) + 1 }

    /// Complete trials ordered by objective (best first).
    public var ranked: [TrialRecord] {
        trials.filter { $0.state == .complete && $0.value != nil }.sorted { $0.value! < $1.value! }
    }

    public var best: TrialRecord? { ranked.first }

    /// What the samplers learn from: complete trials with their objective; pruned ones with their
    /// best intermediate value when that is the objective (val-loss), else with the worst complete
    /// objective, since a validation loss is on another scale than an FID.
    public var observations: [ObservedTrial] {
        let worstComplete = ranked.last?.value
        return trials.compactMap { t in
            switch t.state {
            case .complete:
                return t.value.map { ObservedTrial(values: t.values, objective: $0) }
            case .pruned:
                let value = settings.objective == .valLoss ? t.reports.map(\.value).min() : worstComplete
                return value.map { ObservedTrial(values: t.values, objective: $0, pruned: true) }
            default:
                return nil
            }
        }
    }
}
