// `ddpm tune` as a process: its errors, a study shared by two concurrent worker processes, a
// failing trial that does not stop the study, and the report.
import DataIO
import Foundation
import Testing

@Suite struct TuneProcessTests {
    static let tiny = CLIPipelineTests.tinyModel + ["--steps", "3", "--minutes-per-trial", "1"]

    @Test func searchMistakesNameTheFlagAndCreateNothing() throws {
        let work = try WorkFolder()
        expectUserError(try work.ddpm("tune", "--search", "beta-min=1e-3..1e-5", "--study", "s"), mentions: ["--search beta-min=1e-3..1e-5", "low bound"])
        expectUserError(try work.ddpm("tune", "--search", "no-such-flag=1..2", "--study", "s"), mentions: ["no-such-flag", "not a training flag or config key"])
        expectUserError(try work.ddpm("tune", "--study", "s"), mentions: ["--search", "at least one"])
        expectUserError(try work.ddpm("tune", "--search", "beta-max=0.01..0.02", "--minutes", "3"), mentions: ["--minutes-per-trial"])
        expectUserError(try work.ddpm("tune", "--search", "beta-max=0.01..0.02", "--schedules", "linear,banana", "--study", "s"), mentions: ["--schedules", "banana"])
        let fid = try work.ddpm("tune", "--search", "beta-max=0.01..0.02", "--objective", "fid", "--study", "s", "--cache-dir", "cache")
        expectUserError(fid, mentions: ["--objective fid needs the feature network of fashion-mnist", "ddpm evaluate --train-feature-net --dataset fashion-mnist"])
        expectUserError(try work.ddpm("tune", "--resume", "nowhere"), mentions: ["nowhere", "no study"])
        expectUserError(try work.ddpm("tune", "--report", "nowhere"), mentions: ["nowhere", "no study"])
        #expect(!work.exists("s"))
    }

    @Test func searchingTOrTheScheduleWithValLossWarns() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let run = try work.ddpm(["tune"] + Self.tiny + ["--search", "timesteps=10..40:int", "--trials", "1", "--study", "s"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("warning: --objective val-loss compares the epsilon-MSE across timesteps"), "\(run)")
        #expect(run.stderr.contains("--objective fid --evaluate-n 2000"), "\(run)")
        expectUserError(try work.ddpm(["tune"] + Self.tiny + ["--search", "timesteps=10..40:int", "--study", "s"]), mentions: ["--study s", "--resume"])
    }

    /// Issue 14 point 3: trials scored by feature-net FID of their EMA samples; with T searched the
    /// median rule (on validation losses) is off, and the tables report the FID.
    @Test func fidObjectiveScoresEachTrialBySamplesOfItsModel() throws {
        let work = try CLIEvaluateTests.prepare()
        let run = try work.ddpm(["tune"] + Self.tiny + ["--search", "timesteps=10..40:int", "--trials", "2", "--study", "s",
                                                        "--objective", "fid", "--evaluate-n", "10"] + CLIEvaluateTests.cache)
        #expect(run.status == 0, "\(run)")
        #expect(!run.stderr.contains("warning: --objective val-loss"), "\(run)")
        #expect(run.stderr.contains("note: no pruning"), "\(run)")
        #expect(run.stderr.contains("FID (feature-net) of 10 samples"), "\(run)")
        #expect(run.stdout.contains("| fid |"), "\(run)")
        // The journal: both trials complete with an FID, which is not one of their validation losses.
        let records = try String(contentsOfFile: work.file("s/journal.jsonl"), encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let settings = try #require(records.first?["settings"] as? [String: Any])
        #expect(settings["objective"] as? String == "fid" && settings["evaluateImages"] as? Int == 10 && settings["pruner"] == nil, "\(settings)")
        let finished = records.filter { $0["op"] as? String == "finish" }
        #expect(finished.map { $0["state"] as? String } == ["complete", "complete"], "\(run)")
        let values = finished.compactMap { $0["value"] as? Double }
        let losses = records.filter { $0["op"] as? String == "report" }.compactMap { $0["value"] as? Double }
        #expect(values.count == 2 && values.allSatisfy { $0.isFinite && $0 > 0 } && !values.contains { losses.contains($0) }, "\(values) \(losses)")
        expectUserError(try work.ddpm(["tune"] + Self.tiny + ["--search", "timesteps=10..40:int", "--study", "s2", "--objective", "fid",
                                                               "--evaluate-n", "20000"] + CLIEvaluateTests.cache),
                        mentions: ["--evaluate-n 20000"])
        #expect(!work.exists("s2"))
    }

    @Test func twoWorkerProcessesShareAStudyAndAFailedTrialDoesNotStopIt() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        // Four start trials on a Latin hypercube: two get batch size 4, two 100000 (more than the
        // 64 training images), which fail.
        let first = try work.ddpm(["tune"] + Self.tiny + ["--search", "batch-size=4,100000", "--search", "beta-max=0.01..0.05:log",
                                                          "--trials", "6", "--startup-trials", "4", "--max-trials", "1", "--study", "s"])
        #expect(first.status == 0, "\(first)")
        // Two workers continue the study at the same time.
        let group = DispatchGroup()
        let results = ResultBox()
        for k in 0..<2 {
            DispatchQueue.global().async(group: group) { results.set(k, Result { try work.ddpm("tune", "--resume", "s") }) }
        }
        group.wait()
        for run in try results.all() { #expect(run.status == 0, "\(run)") }

        let journal = try String(contentsOfFile: work.file("s/journal.jsonl"), encoding: .utf8)
        let starts = journal.split(separator: "\n").filter { $0.contains("\"op\":\"start\"") }
        #expect(starts.count == 6, "\(journal)")
        let numbers = starts.compactMap { line in line.range(of: "\"trial\":").map { Int(line[$0.upperBound...].prefix { $0.isNumber })! } }
        #expect(Set(numbers) == Set(0..<6), "every trial taken once: \(numbers)")

        let report = try work.ddpm("tune", "--report", "s")
        #expect(report.status == 0, "\(report)")
        #expect(report.stdout.contains("| trial | state | batch-size | beta-max | val-loss |"), "\(report)")
        #expect(report.stdout.contains("| failed |") || report.stdout.contains("failed | 100000"), "\(report)")
        #expect(report.stdout.contains("larger than the 64 training images"), "the failure is explained\n\(report)")
        #expect(report.stdout.contains("best: trial "), "\(report)")
        let csv = try String(contentsOfFile: work.file("s/report.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "trial,state,batch-size,beta-max,val-loss,wall_seconds,cpu_seconds,worker,message")
        #expect(csv.count == 7)
        #expect(csv.filter { $0.contains(",complete,4,") }.count >= 2 && csv.filter { $0.contains(",failed,100000,") }.count >= 2, "\(csv)")
        for name in ["s/report-objective.png", "s/report-parameters.png"] { _ = try PNGImage.read(from: work.file(name)) }

        // Each complete trial is an ordinary run folder: ddpm sample uses it.
        let complete = try #require(csv.first { $0.contains(",complete,") }.map { Int($0.prefix { $0.isNumber })! })
        let sample = try work.ddpm("sample", "--checkpoint", String(format: "s/trials/trial-%04d", complete), "--n", "2",
                                   "--sampler", "ddim", "--steps", "3", "--out", "g.png")
        #expect(sample.status == 0, "\(sample)")
    }

    @Test func killDashNineLosesOnlyTheRunningTrialAndResumeFinishesTheStudy() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        // Trials of 300 steps with a validation at every step; the worker is killed with SIGKILL
        // right after trial 0's first validation is in the journal, i.e. in the middle of it.
        let binary = try #require(DDPMBinary.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["tune"] + CLIPipelineTests.tinyModel + ["--validate-every", "1", "--steps", "300", "--minutes-per-trial", "5",
                                                                     "--search", "beta-max=0.01..0.05:log", "--trials", "2", "--study", "s"]
        process.currentDirectoryURL = URL(fileURLWithPath: work.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let journal = work.file("s/journal.jsonl")
        var reported = false
        for _ in 0..<12_000 where !reported {  // polls for up to 10 minutes on a loaded machine
            reported = ((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").contains("\"op\":\"report\"")
            if !reported { usleep(50_000) }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(reported, "trial 0 never reported a validation")
        #expect(process.terminationReason == .uncaughtSignal)

        let resume = try work.ddpm("tune", "--resume", "s")
        #expect(resume.status == 0, "\(resume)")
        let report = try work.ddpm("tune", "--report", "s")
        #expect(report.stdout.contains("3 trials: 2 complete, 0 pruned, 0 failed, 1 lost (rerun)"), "\(report)")
        #expect(report.stdout.contains("| 0 | lost |"), "\(report)")
        #expect(report.stdout.contains("stopped without finishing"), "\(report)")
    }

    @Test func schedulesRunOneStudyEachAndReportSideBySide() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let run = try work.ddpm(["tune"] + Self.tiny + ["--schedules", "linear,log", "--search", "beta-max=0.01..0.05:log",
                                                        "--trials", "2", "--study", "s"])
        #expect(run.status == 0, "\(run)")
        #expect(work.exists("s/linear/journal.jsonl") && work.exists("s/log/journal.jsonl"))
        #expect(run.stderr.contains("warning: --objective val-loss compares the epsilon-MSE across --schedules"), "\(run)")
        #expect(run.stdout.contains("| schedule | dataset | beta-max | best val-loss | trials |"), "\(run)")
        #expect(run.stdout.contains("| linear | mnist | ") && run.stdout.contains("| log | mnist | "), "\(run)")
        #expect(run.stdout.contains(" | 2/2 |"), "\(run)")
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: Result<DDPMRun, Error>] = [:]
    func set(_ k: Int, _ r: Result<DDPMRun, Error>) { lock.lock(); results[k] = r; lock.unlock() }
    func all() throws -> [DDPMRun] { try results.keys.sorted().map { try results[$0]!.get() } }
}
