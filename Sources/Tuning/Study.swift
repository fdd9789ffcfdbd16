import DataIO
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A study folder: `STUDY/journal.jsonl` and one run folder per trial in `STUDY/trials/`.
/// Any number of workers (processes, possibly on machines sharing the filesystem) may work on it
/// at once; every decision that must be unique is taken under the journal's lock.
public struct Study: Sendable {
    public let path: String
    public let journal: Journal
    /// `host/pid` of this process.
    public let worker: String

    public static func journalPath(_ folder: String) -> String { folder + "/journal.jsonl" }

    public init(path: String, worker: String = Study.defaultWorker) {
        self.path = path
        journal = Journal(path: Self.journalPath(path))
        self.worker = worker
    }

    /// Creates the folder and its journal; fails when a study is already there.
    public static func create(path: String, settings: StudySettings) throws -> Study {
        try FileSystem.createFolder(path + "/trials")
        _ = try Journal.create(path: journalPath(path), settings: settings)
        return Study(path: path)
    }

    public static var defaultWorker: String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        return String(cString: name) + "/" + String(getpid())
    }

    public func state() throws -> StudyState { StudyState(records: try journal.read()) }

    public func runPath(trial: Int) -> String { path + String(format: "/trials/trial-%04d", trial) }

    /// Takes the next trial: reaps trials whose worker is gone (marking them lost), then, if the
    /// study still needs trials, asks the sampler for values and records the start. nil when the
    /// study has all its trials (finished or being run by others).
    public func claim(now: Double = Date().timeIntervalSince1970) throws -> (number: Int, values: [String: ParameterValue])? {
        var claimed: (Int, [String: ParameterValue])?
        try journal.withLock { records in
            var state = StudyState(records: records)
            var out: [JournalRecord] = []
            for t in state.running where isStale(t, settings: state.settings, now: now) {
                out.append(JournalRecord(op: .finish, trial: t.number, state: .lost, message: "worker \(t.worker) stopped without finishing", worker: worker, time: now))
            }
            state = StudyState(records: records + out)
            guard state.finishedCount + state.running.count < state.settings.trials else { return out }
            let s = state.settings
            let context = SamplingContext(space: s.space, history: state.observations, pending: state.running.map(\.values),
                                          number: state.trials.filter { $0.state != .lost }.count, seed: s.seed)
            let values = try s.sampler.make(startupTrials: s.startupTrials).suggest(context)
            let number = state.nextNumber
            out.append(JournalRecord(op: .start, trial: number, values: values, worker: worker, time: now))
            claimed = (number, values)
            return out
        }
        return claimed
    }

    /// A running trial is stale when its worker ran on this host and is no longer alive, or when
    /// nothing was heard from it for three trial budgets (at least 10 minutes: other hosts, or a
    /// reused pid). Workers write a heartbeat at least once a minute while training.
    func isStale(_ t: TrialRecord, settings: StudySettings, now: Double) -> Bool {
        if t.worker == worker { return false }
        let parts = t.worker.split(separator: "/")
        if parts.count == 2, String(parts[0]) == worker.split(separator: "/").first.map(String.init), let pid = Int32(parts[1]),
           kill(pid, 0) != 0 && errno == ESRCH {
            return true
        }
        return now - t.lastSeen > max(600, 3 * settings.minutesPerTrial * 60)
    }

    public func report(trial: Int, step: Int, value: Double) throws {
        try journal.append([JournalRecord(op: .report, trial: trial, step: step, value: value, worker: worker)])
    }

    public func heartbeat(trial: Int) throws { try journal.append([JournalRecord(op: .beat, trial: trial, worker: worker)]) }

    public func finish(trial: Int, state: TrialState, value: Double?, wallSeconds: Double, cpuSeconds: Double, message: String? = nil) throws {
        try journal.append([JournalRecord(op: .finish, trial: trial, value: value, state: state, wallSeconds: wallSeconds,
                                          cpuSeconds: cpuSeconds, message: message, worker: worker)])
    }

    /// Whether the running trial should stop now, by the study's pruner and the reports in the journal.
    public func shouldPrune(trial: Int) throws -> Bool {
        let state = try state()
        guard let pruner = state.settings.pruner, let me = state.trials.first(where: { $0.number == trial }) else { return false }
        let completed = state.trials.filter { $0.state == .complete }.map { t in
            Dictionary(t.reports.map { ($0.step, $0.value) }, uniquingKeysWith: { _, last in last })
        }
        return pruner.shouldPrune(intermediate: me.reports, completed: completed)
    }
}
