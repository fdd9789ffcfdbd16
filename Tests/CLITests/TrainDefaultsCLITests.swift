// Defaults that do not mislead (issue 12, point 4): an unbounded run says how it ends and shows
// epochs done, an early-stopped run is sampled from its best checkpoint (and says so), a run folder
// left before its first checkpoint can be started again, and `info` prints floats shortest.
import Foundation
import Testing

@Suite struct TrainDefaultsCLITests {
    /// Training with a learning rate of 1e-30 never improves on the first validation (step 3), so
    /// --early-stopping 1 stops the run at the second (step 6) with no step bound given.
    static let stalls = ["--learning-rate", "1e-30", "--early-stopping", "1", "--run-dir", "run"]

    @Test func anUnboundedRunSaysItRunsUntilCtrlCAndAnEarlyStoppedOneIsSampledFromItsBest() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let train = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + Self.stalls)
        #expect(train.status == 3, "\(train)")
        #expect(train.stderr.contains("no --steps, --epochs or --minutes: training runs until Ctrl-C or early stopping (patience 1)"), "\(train)")
        // 64 images in batches of 4: step 1 is 1/16 of the first epoch.
        #expect(train.stderr.contains("train 1 epochs 0.06 loss"), "\(train)")
        #expect(train.stdout.contains("best:        run/checkpoints/best.safetensors (step 3)"), "\(train)")

        let sample = try work.ddpm("sample", "--checkpoint", "run", "--n", "2", "--steps", "3", "--out", "g.png")
        #expect(sample.status == 0, "\(sample)")
        #expect(sample.stderr.contains("run stopped early at step 6: using run/checkpoints/best.safetensors (step 3"), "\(sample)")
        let info = try work.ddpm("info", "g.png")
        #expect(info.stdout.contains("  checkpoint: run/checkpoints/best.safetensors\n") && info.stdout.contains("  checkpoint-step: 3\n"), "\(info)")
        // An explicit file is taken as given.
        let last = try work.ddpm("sample", "--checkpoint", "run/checkpoints/step-00000006.safetensors", "--n", "2", "--steps", "3", "--out", "l.png")
        #expect(last.status == 0 && !last.stderr.contains("stopped early"), "\(last)")
        let runInfo = try work.ddpm("info", "run")
        #expect(runInfo.stdout.contains("run/checkpoints/best.safetensors: ddpm checkpoint"), "\(runInfo)")
    }

    @Test func aFolderLeftBeforeTheFirstCheckpointStartsAgainWithoutForce() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        // What a run killed at step 2 leaves: config, two log lines, a preview, no checkpoint.
        for folder in ["run/checkpoints", "run/samples"] {
            try FileManager.default.createDirectory(atPath: work.file(folder), withIntermediateDirectories: true)
        }
        for (name, text) in [("run/config.yaml", "version: 1\n"), ("run/metrics.jsonl", #"{"epoch":0,"loss":1,"step":1}"# + "\n"),
                             ("run/samples/step-00000002.png", "x"), ("run/checkpoints/.step-00000003.safetensors.tmp-1-2", "torn")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: work.file(name)))
        }
        let train = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "3", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        #expect(train.stderr.contains("run holds no checkpoint (a run stopped before its first one): starting it again from step 0"), "\(train)")
        #expect(work.exists("run/checkpoints/step-00000003.safetensors") && !work.exists("run/samples/step-00000002.png"))

        // Once it has a checkpoint it is a run: --resume or --force.
        expectUserError(try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "3", "--run-dir", "run"]),
                        mentions: ["--run-dir run already holds a run", "--resume run", "--force"])
        // A folder with anything that is not a run's is never emptied without --force.
        try FileManager.default.createDirectory(atPath: work.file("mine"), withIntermediateDirectories: true)
        for name in ["mine/config.yaml", "mine/notes.txt"] { try Data("keep".utf8).write(to: URL(fileURLWithPath: work.file(name))) }
        expectUserError(try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "3", "--run-dir", "mine"]),
                        mentions: ["--run-dir mine already holds a run"])
        #expect(work.exists("mine/notes.txt"))
    }

    @Test func infoPrintsFloatsInTheirShortestExactForm() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let train = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "3", "--learning-rate", "1e-3", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        let info = try work.ddpm("info", "run")
        #expect(info.status == 0, "\(info)")
        // Float 1e-3 widened to Double would print 0.0010000000474974513.
        #expect(info.stdout.contains("    learningRate: 0.001\n") && info.stdout.contains("    betaMin: 0.0001\n"), "\(info)")
        let config = try #require(info.stdout.components(separatedBy: "config:\n").last)
        #expect(!config.contains("00000") && !config.contains("99999"), "no float printed beyond its shortest form:\n\(info)")
    }
}
