// Issue 13, class by class, through the real binary: sizes checked before allocation, one
// file-error type, a consistent argument surface and exit codes, checkpoints validated by info,
// leftovers removed and accurate messages, and checkpoint-vs-data mismatches named on both sides.
import DataIO
import Foundation
import Testing

/// A work folder with the tiny IDX dataset and a 3-step run in `run/`.
private func trainedWork(steps: Int = 3) throws -> WorkFolder {
    let work = try WorkFolder()
    try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
    let train = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", String(steps), "--run-dir", "run"])
    #expect(train.status == 0, "\(train)")
    return work
}

private func expectExit(_ run: DDPMRun, _ status: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.status == status, "expected exit \(status)\n\(run)", sourceLocation: sourceLocation)
}

@Suite struct SizeLimitTests {
    @Test func hugeSampleCountWithoutImagesDirIsRefusedBeforeLoading() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("sample", "--n", "1000000000")
        expectUserError(run, mentions: ["--n 1000000000", "at most 4096", "--images-dir"])
        expectExit(run, 64)
    }

    @Test(arguments: [["schedule", "--timesteps", "2000000000", "--csv", "-"],
                      ["train", "--timesteps", "2000000000", "--run-dir", "r"]])
    func hugeTimestepsAreRefused(arguments: [String]) throws {
        let work = try WorkFolder()
        let run = try work.ddpm(arguments)
        expectUserError(run, mentions: ["--timesteps 2000000000", "at most 100000"])
        #expect(!work.exists("r"))
    }

    @Test(arguments: [(["--batch-size", "100000"], "--batch-size 100000"), (["--image-size", "100000"], "--image-size 100000"),
                      (["--base-channels", "100000"], "--base-channels 100000"), (["--res-blocks", "1000000"], "--res-blocks 1000000"),
                      (["--classes", "1000000000"], "--classes 1000000000"), (["--channel-multipliers", "1,100000"], "--channel-multipliers 100000")])
    func hugeTrainingSizesNameTheirFlag(arguments: [String], mention: String) throws {
        let work = try WorkFolder()
        let run = try work.ddpm(["train", "--run-dir", "r"] + arguments)
        expectUserError(run, mentions: [mention, "must be at most"])
        #expect(!work.exists("r"))
    }

    @Test func aStepThatCannotFitInMemoryIsRefused() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("train", "--batch-size", "4096", "--image-size", "1024", "--base-channels", "1024", "--run-dir", "r")
        expectUserError(run, mentions: ["--batch-size 4096", "more than this machine's", "GB of memory"])
    }

    @Test func imagesDirStreamsPastTheGridLimitAndAnExplicitGridIsRefused() throws {
        let work = try trainedWork()
        let refused = try work.ddpm("sample", "--checkpoint", "run", "--n", "4097", "--images-dir", "imgs", "--out", "g.png")
        expectUserError(refused, mentions: ["--n 4097", "at most 4096"])
        #expect(!work.exists("imgs"))

        let streamed = try work.ddpm("sample", "--checkpoint", "run", "--n", "4097", "--images-dir", "imgs", "--batch-size", "512",
                                     "--sampler", "ddim", "--steps", "2")
        #expect(streamed.status == 0, "\(streamed)")
        #expect(work.exists("imgs/04096.png") && !work.exists("grid.png"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.file("imgs")).count == 4097)
    }
}

@Suite struct FileErrorTests {
    @Test func exportOntoAnExistingFileNamesIt() throws {
        let work = try trainedWork()
        try Data("x".utf8).write(to: URL(fileURLWithPath: work.file("taken")))
        let run = try work.ddpm("export", "--checkpoint", "run", "--out", "taken")
        expectUserError(run, mentions: ["cannot create the folder --out taken", "a file with that name exists"])
        expectExit(run, 64)
    }

    @Test func exportIntoAFolderTheSystemRefusesIsAnIOFailure() throws {
        let work = try trainedWork()
        let run = try work.ddpm("export", "--checkpoint", "run", "--out", "/sys/ddpm-export-test")
        expectUserError(run, mentions: ["/sys/ddpm-export-test", "permission denied"])
        expectExit(run, 74)
    }

    @Test func csvIntoAMissingFolderOrAnUnwritableOneIsOneLine() throws {
        let work = try WorkFolder()
        let missing = try work.ddpm("schedule", "--timesteps", "10", "--csv", "nofolder/s.csv")
        expectUserError(missing, mentions: ["cannot write --csv nofolder/s.csv", "does not exist"])
        expectExit(missing, 64)
        let refused = try work.ddpm("schedule", "--timesteps", "10", "--csv", "/sys/ddpm-test.csv")
        expectUserError(refused, mentions: ["cannot write /sys/ddpm-test.csv", "permission denied"])
        expectExit(refused, 74)
    }

    @Test func imagesDirThatIsAFileIsNamedBeforeSampling() throws {
        let work = try trainedWork()
        try Data("x".utf8).write(to: URL(fileURLWithPath: work.file("afile")))
        let run = try work.ddpm("sample", "--checkpoint", "run", "--n", "2", "--images-dir", "afile")
        expectUserError(run, mentions: ["--images-dir afile", "a file with that name exists"])
        #expect(!work.exists("grid.png"))
    }

    @Test func aFailurePartWayThroughImagesDirSaysWhatWasWritten() throws {
        let work = try trainedWork()
        // 00002.png is a non-empty folder: image 2 cannot be renamed into place.
        try FileManager.default.createDirectory(atPath: work.file("imgs/00002.png/x"), withIntermediateDirectories: true)
        let run = try work.ddpm("sample", "--checkpoint", "run", "--n", "4", "--batch-size", "1", "--images-dir", "imgs", "--force",
                                "--sampler", "ddim", "--steps", "2")
        expectUserError(run, mentions: ["imgs/00002.png", "only images 0…1 of 4 were written to imgs"])
        #expect(!work.exists("grid.png"), "no grid that would look like a finished run")
    }
}

@Suite struct ArgumentSurfaceTests {
    @Test(arguments: [(["sample", "--n", "-3"], "--n must be at least 1 (got -3)"),
                      (["sample", "--sampler", "ddim", "--eta", "-1"], "--eta must be >= 0 (got -1.0)"),
                      (["sample", "--batch-size", "-64"], "--batch-size must be at least 1 (got -64)"),
                      (["train", "--learning-rate", "-0.001", "--run-dir", "r"], "--learning-rate must be positive (got -0.001)")])
    func negativeNumbersReachTheValidator(arguments: [String], message: String) throws {
        let work = try WorkFolder()
        let run = try work.ddpm(arguments)
        expectUserError(run, mentions: [message])
        #expect(!run.stderr.contains("Missing value"))
    }

    @Test func anInvalidFlagValueListsTheValidOnesOnOneLine() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("train", "--schedule", "foo", "--run-dir", "r")
        expectUserError(run, mentions: ["--schedule", "'foo'", "expected one of: linear, cosine, quadratic, scaled-linear, exponential, log, sigmoid, cosine-beta"])
        #expect(!run.stderr.contains("  - "))
    }

    @Test func anInvalidYAMLValueListsTheValidOnesOnOneLine() throws {
        let work = try WorkFolder()
        try "diffusion:\n  schedule: foo\n".write(toFile: work.file("c.yaml"), atomically: true, encoding: .utf8)
        let run = try work.ddpm("train", "--config", "c.yaml", "--run-dir", "r")
        expectUserError(run, mentions: ["c.yaml", "diffusion.schedule", "'foo'", "expected one of: linear, cosine, quadratic"])
        try "training:\n  optimizer: sgd\n".write(toFile: work.file("o.yaml"), atomically: true, encoding: .utf8)
        expectUserError(try work.ddpm("train", "--config", "o.yaml", "--run-dir", "r"), mentions: ["training.optimizer", "'sgd'", "expected one of: adam, adamw"])
    }

    @Test func helpForAnUnknownCommandIsAnError() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("help", "nosuch")
        expectUserError(run, mentions: ["nosuch", "no such command", "train, sample"])
        expectExit(run, 64)
        let known = try work.ddpm("help", "train")
        #expect(known.status == 0 && known.stdout.contains("--resume"), "\(known)")
    }

    @Test func helpDocumentsTheExitCodes() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("--help")
        #expect(run.status == 0)
        for line in ["    0  finished", "    3  training stopped early", "  130  interrupted by SIGINT", "  143  interrupted by SIGTERM",
                     "   64  bad input", "   74  I/O failure"] {
            #expect(run.stdout.contains(line), "--help should list \(line)\n\(run)")
        }
    }

    @Test func earlyStoppingExitsWithThree() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        // A learning rate too small to change a float32 weight: validation losses repeat exactly, so
        // the second validation does not improve and patience 1 ends the run.
        let run = try work.ddpm(["train"] + CLIPipelineTests.tinyModel
                                + ["--learning-rate", "1e-30", "--early-stopping", "1", "--steps", "30", "--run-dir", "run"])
        expectExit(run, 3)
        #expect(run.stdout.contains("early stopping"), "\(run)")
    }

    /// A run still training before its first checkpoint looks like one killed at that point; its
    /// lock tells them apart, so a second `train` on that --run-dir (even with --force) and a second
    /// --resume are refused and remove nothing; once the first has ended the folder is usable again.
    @Test func aRunFolderInUseByAnotherProcessIsNeverTakenOver() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let metrics = work.file("run/metrics.jsonl")
        let args = ["train"] + CLIPipelineTests.tinyModel + ["--checkpoint-every", "0", "--run-dir", "run"]
        var second: [Result<DDPMRun, Error>] = []
        let first = try work.ddpm(args + ["--steps", "1000000"]) { process in
            for _ in 0..<600 where !((try? String(contentsOfFile: metrics, encoding: .utf8))?.contains("\"step\"") ?? false) {
                usleep(100_000)
            }
            second.append(Result { try work.ddpm(args + ["--steps", "3"]) })
            second.append(Result { try work.ddpm(args + ["--steps", "3", "--force"]) })
            kill(process.processIdentifier, SIGINT)
        }
        expectExit(first, 130)
        for run in second {
            expectUserError(try run.get(), mentions: ["run: another ddpm process is training in this run folder"])
        }
        #expect(work.exists("run/config.yaml") && work.exists("run/metrics.jsonl"), "the live run's files are kept")
        let resume = try work.ddpm("train", "--resume", "run", "--steps", "1")
        #expect(resume.status == 0, "the lock ends with its process\n\(resume)")
    }

    @Test(arguments: [(Int32(SIGINT), Int32(130)), (Int32(SIGTERM), Int32(143))])
    func aSignalSavesACheckpointAndExitsWith128PlusIt(signal: Int32, status: Int32) throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let metrics = work.file("run/metrics.jsonl")
        let run = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "1000000", "--run-dir", "run"]) { process in
            // Wait for the first logged step, then signal once.
            for _ in 0..<600 where !((try? String(contentsOfFile: metrics, encoding: .utf8))?.contains("\"step\"") ?? false) {
                usleep(100_000)
            }
            kill(process.processIdentifier, signal)
        }
        expectExit(run, status)
        #expect(run.stdout.contains("interrupted; checkpoint saved"), "\(run)")
        #expect(try !FileManager.default.contentsOfDirectory(atPath: work.file("run/checkpoints")).filter { $0.hasPrefix("step-") }.isEmpty)
    }
}

@Suite struct InspectionTests {
    /// The run's checkpoint with `edit` applied to its tensors.
    private func broken(_ work: WorkFolder, _ edit: (inout [String: SafetensorsTensor]) -> Void) throws -> String {
        var file = try SafetensorsFile.read(from: work.file("run/checkpoints/step-00000003.safetensors"))
        edit(&file.tensors)
        try file.write(to: work.file("broken.safetensors"))
        return "broken.safetensors"
    }

    @Test func infoRefusesMissingAndMisshapenTensors() throws {
        let work = try trainedWork()
        let good = try work.ddpm("info", "run")
        #expect(good.status == 0 && good.stdout.contains("weights match the config"), "\(good)")

        let missing = try broken(work) { $0["model.conv_in.weight"] = nil }
        let missingRun = try work.ddpm("info", missing)
        expectUserError(missingRun, mentions: [missing, "model weights", "missing", "conv_in.weight"])
        #expect(!missingRun.stdout.contains("parameters:"))

        let reshaped = try broken(work) { t in
            let w = t["ema.conv_in.weight"]!
            t["ema.conv_in.weight"] = SafetensorsTensor(shape: [w.shape.reduce(1, *)], floats: w.floats)
        }
        expectUserError(try work.ddpm("info", reshaped), mentions: [reshaped, "EMA weights", "conv_in.weight", "has shape"])

        let moments = try broken(work) { t in t["optimizer.m"] = SafetensorsTensor(shape: [3], floats: [0, 0, 0]) }
        expectUserError(try work.ddpm("info", moments), mentions: [moments, "optimizer.m holds 3 values"])
    }
}

@Suite struct LeftoversAndMessagesTests {
    @Test func resumeRemovesATemporaryCheckpointLeftByAKill() throws {
        let work = try trainedWork()
        // What a kill -9 during DurableFile.write leaves (pid 2^22 + 1 runs nowhere).
        let leftover = "run/checkpoints/.step-00000004.safetensors.tmp-4194305-12"
        try Data("torn".utf8).write(to: URL(fileURLWithPath: work.file(leftover)))
        let run = try work.ddpm("train", "--resume", "run", "--steps", "4")
        #expect(run.status == 0, "\(run)")
        #expect(!work.exists(leftover))
        #expect(run.stderr.contains("removed run/checkpoints/.step-00000004.safetensors.tmp-4194305-12"), "\(run)")
    }

    @Test func divergenceNamesTheStepTheSettingsAndWhatToTry() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let run = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--learning-rate", "1e30", "--steps", "50", "--run-dir", "run"])
        expectUserError(run, mentions: ["training diverged at step", "--learning-rate 1e+30", "--grad-clip 1.0", "--warmup-steps 200",
                                        "lower --learning-rate (e.g. 2.5e+29)"])
        #expect(!run.stderr.contains("enable --grad-clip"), "clipping is already on")
    }

    @Test func aSourceImageFarSmallerThanImageSizeIsNamed() throws {
        let work = try WorkFolder()
        try FileManager.default.createDirectory(atPath: work.file("faces"), withIntermediateDirectories: true)
        for k in 0..<10 {
            let side = k == 4 ? 1 : 8
            try PNGImage(width: side, height: side, channels: 3, pixels: [UInt8](repeating: UInt8(20 * k), count: side * side * 3))
                .write(to: work.file(String(format: "faces/%02d.png", k)), overwrite: false)
        }
        let run = try work.ddpm("train", "--dataset", "folder", "--data-dir", "faces", "--image-size", "8", "--base-channels", "8",
                                "--channel-multipliers", "1,2", "--res-blocks", "1", "--attention-resolutions", "none", "--timesteps", "20",
                                "--batch-size", "2", "--steps", "1", "--sample-every", "0", "--run-dir", "run")
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("warning: faces/04.png (1x1): far smaller than --image-size 8"), "\(run)")
    }
}

@Suite struct DataMismatchTests {
    @Test func resumeWithOtherDataNamesBothSides() throws {
        let work = try trainedWork()
        let other = try work.ddpm("train", "--resume", "run", "--dataset", "cifar10")
        expectUserError(other, mentions: ["run/checkpoints/step-00000003.safetensors was trained on mnist, 1×8×8 images",
                                          "--dataset cifar10 gives cifar10, 3×32×32 images"])
        let size = try work.ddpm("train", "--resume", "run", "--image-size", "16")
        expectUserError(size, mentions: ["trained on mnist, 1×8×8 images", "--image-size 16 gives mnist, 1×16×16 images"])
        // Repeating what the checkpoint holds is fine.
        let same = try work.ddpm("train", "--resume", "run", "--dataset", "mnist", "--image-size", "8", "--steps", "4")
        #expect(same.status == 0, "\(same)")
    }
}
