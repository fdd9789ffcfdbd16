import Foundation
import Testing
import _TestSupport
@testable import Tuning

func studySettings(trials: Int, sampler: SamplerKind = .random, objective: ObjectiveKind = .valLoss) throws -> StudySettings {
    StudySettings(space: try SearchSpace(parsing: ["beta-max=5e-3..5e-2:log", "timesteps=100..1000:int"]), sampler: sampler,
                  objective: objective, trials: trials, minutesPerTrial: 1, startupTrials: 3, pruner: MedianPruner(),
                  seed: 7, baseConfig: "{}", label: "linear")
}

/// The pid of a process that has exited (for a worker that was killed).
func deadPid() throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/true")
    try p.run()
    p.waitUntilExit()
    return p.processIdentifier
}

@Suite struct JournalTests {
    /// A pruned trial's intermediate values are validation losses: they stand for its objective only
    /// when the objective is the validation loss; against FIDs they would look best, so a pruned
    /// trial of an fid study counts as the worst complete one.
    @Test(arguments: [ObjectiveKind.valLoss, .fid])
    func prunedTrialsAreObservedOnTheObjectivesScale(objective: ObjectiveKind) throws {
        let dir = try ScratchDirectory()
        let study = try Study.create(path: dir.file("study"), settings: try studySettings(trials: 4, objective: objective))
        for (value, final) in [(0.05, 30.0), (0.04, 20.0)] {
            let t = try #require(try study.claim())
            try study.report(trial: t.number, step: 100, value: value)
            try study.finish(trial: t.number, state: .complete, value: final, wallSeconds: 1, cpuSeconds: 1)
        }
        let pruned = try #require(try study.claim())
        try study.report(trial: pruned.number, step: 100, value: 0.09)
        try study.finish(trial: pruned.number, state: .pruned, value: 0.09, wallSeconds: 1, cpuSeconds: 1)
        let observed = try study.state().observations
        #expect(observed.map(\.objective) == [30, 20, objective == .valLoss ? 0.09 : 30])
        #expect(observed.map(\.pruned) == [false, false, true])
    }

    @Test func resumeAfterAKillLosesOnlyTheRunningTrial() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("study")
        let settings = try studySettings(trials: 4)
        // A worker on this host finishes trial 0, starts trial 1, reports once, and is killed
        // with kill -9 in the middle of writing its next line.
        let host = Study.defaultWorker.split(separator: "/")[0]
        let killed = Study(path: path, worker: "\(host)/\(try deadPid())")
        _ = try Study.create(path: path, settings: settings)
        let first = try #require(try killed.claim())
        try killed.report(trial: first.number, step: 100, value: 0.5)
        try killed.finish(trial: first.number, state: .complete, value: 0.4, wallSeconds: 60, cpuSeconds: 110)
        let second = try #require(try killed.claim())
        try killed.report(trial: second.number, step: 100, value: 0.7)
        let handle = try #require(FileHandle(forWritingAtPath: Study.journalPath(path)))
        handle.seekToEndOfFile()
        handle.write(Data("{\"op\":\"report\",\"trial\":1,\"st".utf8))  // torn line, no newline
        handle.closeFile()

        // --resume: the torn line is skipped, the dead worker's trial is marked lost, and a new
        // trial takes its place; the complete trial is kept.
        let resumed = Study(path: path)
        let next = try #require(try resumed.claim())
        #expect(next.number == 2)
        #expect(next.values == second.values, "the lost trial's point is tried again (same sampler draw)")
        let state = try resumed.state()
        #expect(state.trials.map(\.state) == [.complete, .lost, .running])
        #expect(state.trials[0].value == 0.4)
        #expect(state.trials[1].reports.map(\.value) == [0.7])
        #expect(state.trials[1].message?.contains("stopped without finishing") == true)
        try resumed.finish(trial: next.number, state: .failed, value: nil, wallSeconds: 1, cpuSeconds: 1, message: "diverged")
        #expect(try resumed.state().trials.last?.state == .failed, "records after a torn line are read")
        // A live worker's trial (this process) is never reaped.
        let live = try #require(try resumed.claim())
        #expect(try resumed.claim() != nil)
        #expect(try resumed.claim() == nil, "4 trials: 2 finished (complete, failed) and 2 running, the lost one not counted")
        #expect(try resumed.state().trials.first { $0.number == live.number }?.state == .running)
    }

    @Test func aSilentWorkerOnAnotherMachineIsPresumedDeadAfterThreeTrialBudgets() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("study")
        _ = try Study.create(path: path, settings: try studySettings(trials: 3))  // 1-minute trials: 10 minutes of silence
        let remote = Study(path: path, worker: "elsewhere.example/42")
        #expect(try remote.claim(now: 1000)?.number == 0)
        try remote.journal.append([JournalRecord(op: .beat, trial: 0, worker: remote.worker, time: 1100)])
        let local = Study(path: path)
        #expect(try local.claim(now: 1650)?.number == 1, "550 s of silence: still alive")
        #expect(try local.state().trials[0].state == .running)
        #expect(try local.claim(now: 1750)?.number == 2, "650 s of silence: lost, and its place taken")
        #expect(try local.state().trials.map(\.state) == [.lost, .running, .running])
    }

    @Test func concurrentWorkersNeverTakeTheSameTrial() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("study")
        let trials = 40
        _ = try Study.create(path: path, settings: try studySettings(trials: trials, sampler: .tpe))
        // Four workers with their own open file descriptions (as separate processes have). Each
        // holds its first trial until all four have one, so trials overlap; then they take and
        // finish trials as fast as they can.
        let taken = LockedNumbers()
        let group = DispatchGroup()
        for w in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                let study = Study(path: path, worker: Study.defaultWorker + "-\(w)")
                var first = true
                while let claim = try! study.claim() {
                    taken.add(claim.number, worker: w)
                    if first {
                        while taken.all.count < 4 { usleep(1000) }
                        first = false
                    }
                    try! study.report(trial: claim.number, step: 1, value: Double(claim.number))
                    try! study.finish(trial: claim.number, state: .complete, value: Double(claim.number % 7), wallSeconds: 0, cpuSeconds: 0)
                }
            }.start()  // real threads: Dispatch may run fewer than four at once on two cores
        }
        group.wait()
        let numbers = taken.all.map(\.0)
        #expect(numbers.count == trials)
        #expect(Set(numbers) == Set(0..<trials), "every trial number taken exactly once")
        let state = try Study(path: path).state()
        #expect(state.trials.count == trials && state.trials.allSatisfy { $0.state == .complete })
        #expect(Set(taken.all.map(\.1)).count == 4, "every worker took trials")
    }

    @Test func aStudyIsNeverOverwrittenAndAForeignFileIsRejected() throws {
        let dir = try ScratchDirectory()
        _ = try Study.create(path: dir.file("s"), settings: try studySettings(trials: 2))
        #expect(throws: TuningError.self) { try Study.create(path: dir.file("s"), settings: try studySettings(trials: 2)) }
        try dir.write(Array("hello\n".utf8), to: "journal.jsonl")
        #expect(throws: TuningError.self) { try Study(path: dir.path).state() }
    }
}

final class LockedNumbers: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(Int, Int)] = []
    func add(_ n: Int, worker: Int) { lock.lock(); items.append((n, worker)); lock.unlock() }
    var all: [(Int, Int)] { lock.lock(); defer { lock.unlock() }; return items }
}
