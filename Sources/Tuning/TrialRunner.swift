import DataIO
import Foundation
import Training

/// How one trial ended.
public struct TrialOutcome: Sendable {
    public var state: TrialState
    public var value: Double?
    public var message: String?
    public var wallSeconds: Double
    public var cpuSeconds: Double
}

/// What the worker tells its caller while a trial runs (the CLI draws progress from it).
public enum TrialEvent {
    case started(trial: Int, values: [String: ParameterValue], runPath: String)
    case training(trial: Int, TrainingEvent)
    case pruned(trial: Int, step: Int)
    case finished(trial: Int, TrialOutcome)
}

/// Scores a trained run for the `fid` objective (supplied by the CLI, which owns `ddpm evaluate`).
public typealias RunScorer = (_ run: RunDirectory, _ state: TrainingState) throws -> Double

/// Runs trials of a study in this process, one after another, until the study needs no more:
/// each is an ordinary `ddpm train` run folder in `STUDY/trials/trial-NNNN`, trained in-process by
/// the `Trainer` for the study's minutes per trial, with every validation loss written to the
/// journal and the median pruner consulted after each.
public final class StudyWorker {
    public let study: Study
    public var onEvent: (TrialEvent) -> Void = { _ in }
    /// Needed for the `fid` objective.
    public var scorer: RunScorer?
    /// Checked between training steps; true stops the worker (the running trial is marked lost).
    public var shouldStop: () -> Bool = { StopSignal.isRequested }
    private var cachedData: (source: TrainingData.Source, data: TrainingData)?

    public init(study: Study) { self.study = study }

    /// Runs trials until the study has all it needs or `shouldStop`; returns the trials this worker ran.
    @discardableResult
    public func run(maxTrials: Int = .max) throws -> Int {
        var ran = 0
        while ran < maxTrials, !shouldStop(), let (number, values) = try study.claim() {
            let outcome = runTrial(number, values: values, settings: try study.state().settings)
            try study.finish(trial: number, state: outcome.state, value: outcome.value, wallSeconds: outcome.wallSeconds,
                             cpuSeconds: outcome.cpuSeconds, message: outcome.message)
            onEvent(.finished(trial: number, outcome))
            ran += 1
            if outcome.state == .lost { break }
        }
        return ran
    }

    func runTrial(_ number: Int, values: [String: ParameterValue], settings: StudySettings) -> TrialOutcome {
        let wallStart = Self.clock(CLOCK_MONOTONIC), cpuStart = Self.clock(CLOCK_PROCESS_CPUTIME_ID)
        func outcome(_ state: TrialState, _ value: Double?, _ message: String?) -> TrialOutcome {
            TrialOutcome(state: state, value: value, message: message, wallSeconds: Self.clock(CLOCK_MONOTONIC) - wallStart,
                         cpuSeconds: Self.clock(CLOCK_PROCESS_CPUTIME_ID) - cpuStart)
        }
        let run = RunDirectory(path: study.runPath(trial: number))
        do {
            var config = try ConfigOverride.apply(values, to: settings.baseConfig)
            config.training.minutes = settings.minutesPerTrial
            let data = try load(config)
            try Trainer.check(config, train: data.train, validation: data.validation)
            guard data.validation != nil else { throw TuningError.invalid("the dataset has no validation split, which the objective needs") }
            try run.createForNewRun(force: true)
            try FileSystem.write(try config.yaml(), to: run.configPath, overwrite: true)
            let state = try TrainingState(config: config)
            let trainer = try Trainer(state: state, run: run, train: data.train, validation: data.validation)
            onEvent(.started(trial: number, values: values, runPath: run.path))

            var reports: [(step: Int, value: Double)] = []
            var pruneAt: Int?
            var lastWrite = Self.clock(CLOCK_MONOTONIC)
            var journalError: Error?
            trainer.onEvent = { [self] event in
                onEvent(.training(trial: number, event))
                do {
                    if case let .validation(step, loss, _) = event {
                        reports.append((step, loss))
                        try study.report(trial: number, step: step, value: loss)
                        lastWrite = Self.clock(CLOCK_MONOTONIC)
                        if try study.shouldPrune(trial: number) { pruneAt = step }
                    } else if Self.clock(CLOCK_MONOTONIC) - lastWrite > 60 {
                        try study.heartbeat(trial: number)
                        lastWrite = Self.clock(CLOCK_MONOTONIC)
                    }
                } catch { journalError = error }
            }
            let reason = try trainer.runLoop(shouldStop: { [self] in pruneAt != nil || journalError != nil || shouldStop() })
            if let journalError { throw journalError }
            if let step = pruneAt {
                onEvent(.pruned(trial: number, step: step))
                return outcome(.pruned, reports.map(\.value).min(), "median rule at step \(step)")
            }
            if reason == .interrupted { return outcome(.lost, nil, "interrupted") }
            // The objective sees the model at the end of its budget too, not only at the last validation.
            if reports.last?.step != state.progress.step, let final = trainer.validationLoss() {
                guard final.isFinite else { return outcome(.failed, nil, "validation loss \(final) at step \(state.progress.step) (diverged)") }
                reports.append((state.progress.step, final))
                try study.report(trial: number, step: state.progress.step, value: final)
            }
            switch settings.objective {
            case .valLoss:
                guard let best = reports.map(\.value).min(), best.isFinite else { return outcome(.failed, nil, "no finite validation loss") }
                return outcome(.complete, best, nil)
            case .fid:
                guard let scorer else { return outcome(.failed, nil, "this ddpm cannot compute the fid objective") }
                let fid = try scorer(run, state)
                guard fid.isFinite else { return outcome(.failed, nil, "FID \(fid)") }
                return outcome(.complete, fid, nil)
            }
        } catch {
            return outcome(.failed, nil, "\(error)")
        }
    }

    /// The dataset, loaded once per worker while consecutive trials ask for the same images
    /// (`TrainingData.Source`: everything that decides them, including the class subset, the
    /// seed of a random --limit and the validation count).
    private func load(_ config: TrainConfig) throws -> TrainingData {
        let source = TrainingData.Source(config)
        if let cachedData, cachedData.source == source { return cachedData.data }
        let data = try TrainingData.load(source)
        cachedData = (source, data)
        return data
    }

    static func clock(_ id: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(id, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
