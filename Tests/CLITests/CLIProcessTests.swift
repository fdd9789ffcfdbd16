// Process-level tests: the real `ddpm` binary in a scratch folder. Every user mistake exits
// non-zero with one readable "Error: …" line naming the flag or file; the happy path trains a
// tiny model on a tiny IDX dataset, samples, inspects, exports and resumes.
import DataIO
import Training
import Foundation
import Testing

@Suite struct CLIErrorTests {
    @Test func unknownScheduleNamesTheFlagAndTheValue() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("train", "--schedule", "foo", "--run-dir", "r")
        expectUserError(run, mentions: ["--schedule", "foo"])
        #expect(run.stderr.contains("expected one of: linear, cosine,"), "the valid values are listed on the error line\n\(run)")
        #expect(!work.exists("r"))
    }

    @Test func zeroValidationImagesIsRejectedBeforeAnythingIsCreated() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("train", "--validation-images", "0", "--run-dir", "r")
        expectUserError(run, mentions: ["--validation-images", "at least 1"])
        #expect(!work.exists("r"))
    }

    @Test func attentionResolutionOfNoUNetLevelNamesTheFlagAndTheValidOnes() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("train", "--image-size", "32", "--attention-resolutions", "7", "--run-dir", "r")
        expectUserError(run, mentions: ["--attention-resolutions 7", "valid resolutions: 32, 16, 8"])
        #expect(!work.exists("r"))
    }

    @Test func versionIsPrinted() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("--version")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == DDPMVersion.current, "\(run)")
    }

    @Test func missingDataDirNamesTheFolderAndLeavesNoRunFolder() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("train", "--dataset", "mnist", "--data-dir", "/nonexistent", "--run-dir", "r")
        expectUserError(run, mentions: ["--data-dir /nonexistent", "does not exist"])
        // Nothing was created, so the same command works once the data is there.
        #expect(!work.exists("r"))
    }

    @Test func garbageCheckpointNamesTheFileOnce() throws {
        let work = try WorkFolder()
        try Data("not a checkpoint at all".utf8).write(to: URL(fileURLWithPath: work.file("garbage.safetensors")))
        let run = try work.ddpm("sample", "--checkpoint", "garbage.safetensors", "--n", "1")
        expectUserError(run, mentions: ["garbage.safetensors", "not a safetensors file"])
        #expect(run.stderr.components(separatedBy: "garbage.safetensors").count == 2, "the path once:\n\(run)")
        #expect(!work.exists("grid.png"))
    }

    @Test func missingCheckpointNamesThePath() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("sample", "--checkpoint", "missing.safetensors", "--n", "1")
        expectUserError(run, mentions: ["missing.safetensors", "no such file"])
    }

    @Test func folderWithoutCheckpointsIsReportedUnderTheFlagTheUserGave() throws {
        let work = try WorkFolder()
        try FileManager.default.createDirectory(atPath: work.file("empty"), withIntermediateDirectories: true)
        let sample = try work.ddpm("sample", "--checkpoint", "empty", "--n", "1")
        expectUserError(sample, mentions: ["empty", "checkpoints"])
        #expect(!sample.stderr.contains("--resume"), "sample has no --resume flag:\n\(sample)")

        let resume = try work.ddpm("train", "--resume", "empty")
        expectUserError(resume, mentions: ["--resume empty", "no checkpoints"])
    }

    @Test(arguments: [["--n", "0"], ["--batch-size", "0"], ["--steps", "0"], ["--nrow", "0"]])
    func nonPositiveCountsAreRejected(flag: [String]) throws {
        let work = try WorkFolder()
        let run = try work.ddpm(["sample"] + flag)
        expectUserError(run, mentions: [flag[0], "at least 1"])
    }

    @Test func runFolderThatHoldsARunIsNotReused() throws {
        let work = try WorkFolder()
        try FileManager.default.createDirectory(atPath: work.file("taken/checkpoints"), withIntermediateDirectories: true)
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: work.file("taken/metrics.jsonl")))
        // A checkpoint makes it a run (without one it could be started again: TrainDefaultsCLITests).
        try Data("x".utf8).write(to: URL(fileURLWithPath: work.file("taken/checkpoints/step-00000010.safetensors")))
        let run = try work.ddpm("train", "--run-dir", "taken", "--dataset", "mnist", "--data-dir", "/nonexistent")
        expectUserError(run, mentions: ["--run-dir taken", "--force"])
        #expect(try String(contentsOfFile: work.file("taken/metrics.jsonl"), encoding: .utf8) == "{}\n")
    }

    @Test func resumeRejectsModelFlags() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("train", "--resume", "r", "--base-channels", "16")
        expectUserError(run, mentions: ["--resume"])
    }
}

@Suite struct CLIOutputTests {
    @Test func scheduleCSVPrintsAHeaderAndOneLinePerTimestep() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("schedule", "--schedule", "linear", "--timesteps", "50", "--csv", "-")
        #expect(run.status == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == 51)
        #expect(lines.first == "t,linear_beta,linear_alpha_bar")
        // β₁ = β_min and β_T = β_max; ᾱ₁ = 1 − β₁.
        let first = lines[1].split(separator: ",").map(String.init), last = lines[50].split(separator: ",").map(String.init)
        #expect(first[0] == "1" && Double(first[1]) == 1e-4 && abs(Double(first[2])! - 0.9999) < 1e-15)
        #expect(last[0] == "50" && abs(Double(last[1])! - 0.02) < 1e-15)
    }

    @Test func scheduleCSVRefusesToOverwrite() throws {
        let work = try WorkFolder()
        try Data("keep\n".utf8).write(to: URL(fileURLWithPath: work.file("s.csv")))
        let run = try work.ddpm("schedule", "--timesteps", "10", "--csv", "s.csv")
        expectUserError(run, mentions: ["--csv s.csv", "--force"])
        #expect(try String(contentsOfFile: work.file("s.csv"), encoding: .utf8) == "keep\n")
    }

    @Test func benchPeakPrintsOneJSONMeasurementOfTheFMALoop() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("bench", "--suite", "peak", "--repeats", "1", "--json")
        #expect(run.status == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(run)")
        let record = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any]
        #expect((record?["name"] as? String)?.hasPrefix("FMA loop") == true, "\(run)")
        #expect((record?["flops"] as? Double ?? 0) > 0, "\(run)")
        #expect((record?["seconds"] as? [Double])?.count == 3, "at least three runs of the loop\n\(run)")
    }

    /// The data path without the model: opening a config's dataset, then one shuffled epoch of
    /// batches (the figures themselves are for README, never asserted).
    @Test func benchDataOpensTheConfigsDatasetAndGathersOneEpoch() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        try Data("version: 1\nmodel:\n  imageSize: 8\n  channels: 1\ndata:\n  dataset: mnist\n  dataDir: data\n  flip: true\n".utf8)
            .write(to: URL(fileURLWithPath: work.file("c.yaml")))
        let run = try work.ddpm("bench", "--suite", "data", "--model", "c.yaml", "--batch", "4", "--repeats", "1", "--json")
        #expect(run.status == 0, "\(run)")
        let records = run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let names = records.compactMap { $0["name"] as? String }
        #expect(names.count == 3 && names[1].hasPrefix("data open c (") && names[2] == "data epoch c ×4", "\(run)")
        let images = records.last?["images"] as? Int ?? 0
        #expect(images > 0 && images % 4 == 0, "\(run)")
        expectUserError(try work.ddpm("bench", "--suite", "data"), mentions: ["--suite data needs one --model"])
    }

    @Test func benchRejectsANonPositivePeakAndAModelWithThePeakSuite() throws {
        let work = try WorkFolder()
        expectUserError(try work.ddpm("bench", "--peak", "0"), mentions: ["--peak"])
        expectUserError(try work.ddpm("bench", "--suite", "peak", "--model", "tiny"), mentions: ["--model", "--suite peak"])
    }

    @Test func helpListsEverySubcommand() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("--help")
        #expect(run.status == 0, "\(run)")
        for name in ["train", "sample", "evaluate", "inpaint", "schedule", "noise", "plot", "info", "export", "bench", "inception-features"] {
            #expect(run.stdout.contains("\n  \(name) "), "--help should list \(name)\n\(run)")
        }
    }
}

/// Train → sample → info → export → sample from the export → resume, on 64 + 10000 tiny images.
@Suite struct CLIPipelineTests {
    /// MNIST-style IDX files of 8×8 images. The mnist kind holds out the last 10000 training images
    /// for validation, so 64 + 10000 images leave 64 for training (a few hundred kilobytes).
    static func writeIDXDataset(in folder: String, trainImages: Int = 64) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let count = trainImages + 10_000
        var pixels = [UInt8](repeating: 0, count: count * 64)
        for k in 0..<count {
            // A bright 3×3 square at a position that cycles through the image.
            let x0 = k % 6, y0 = (k / 6) % 6
            for y in y0..<(y0 + 3) { for x in x0..<(x0 + 3) { pixels[k * 64 + y * 8 + x] = 255 } }
        }
        let labels = (0..<count).map { UInt8($0 % 10) }
        for prefix in ["train", "t10k"] {
            try IDX.write(IDXArray(dims: [count, 8, 8], bytes: pixels), to: "\(folder)/\(prefix)-images-idx3-ubyte", gzip: false)
            try IDX.write(IDXArray(dims: [count], bytes: labels), to: "\(folder)/\(prefix)-labels-idx1-ubyte", gzip: true)
        }
    }

    static let tinyModel = ["--dataset", "mnist", "--data-dir", "data", "--image-size", "8", "--base-channels", "8",
                            "--channel-multipliers", "1,2", "--res-blocks", "1", "--attention-resolutions", "none",
                            "--timesteps", "20", "--batch-size", "4", "--checkpoint-every", "3", "--sample-every", "0",
                            "--validate-every", "3", "--validation-images", "8"]

    @Test func trainSampleInfoExportAndResume() throws {
        let work = try WorkFolder()
        try Self.writeIDXDataset(in: work.file("data"))

        // 1. Train six steps.
        let train = try work.ddpm(["train"] + Self.tinyModel + ["--steps", "6", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        #expect(train.stdout.contains("stopped at step 6"), "\(train)")
        // 10000 images are held out; validation reads only the first --validation-images (8) of them, so only those are kept.
        #expect(train.stderr.contains("on 64 images (8 for validation)"), "\(train)")
        for name in ["run/config.yaml", "run/metrics.jsonl", "run/loss.png", "run/checkpoints/step-00000003.safetensors",
                     "run/checkpoints/step-00000006.safetensors", "run/checkpoints/best.safetensors"] {
            #expect(work.exists(name), "\(name) missing after training")
        }
        let config = try String(contentsOfFile: work.file("run/config.yaml"), encoding: .utf8)
        #expect(config.contains("timesteps: 20") && config.contains("baseChannels: 8") && config.contains("steps: 6"), "\(config)")

        // 2. Sample from the run folder (its latest checkpoint): 4 images → a 2×2 grid of 8×8 tiles.
        let sample = try work.ddpm("sample", "--checkpoint", "run", "--n", "4", "--sampler", "ddim", "--steps", "5", "--out", "g.png")
        #expect(sample.status == 0, "\(sample)")
        let grid = try PNGImage.read(from: work.file("g.png"))
        #expect((grid.width, grid.height, grid.channels) == (22, 22, 1))

        // 3. info shows the provenance.
        let info = try work.ddpm("info", "g.png")
        #expect(info.status == 0, "\(info)")
        for line in ["g.png: 22×22, grayscale", "  checkpoint: run/checkpoints/step-00000006.safetensors", "  checkpoint-step: 6",
                     "  sampler: ddim", "  steps: 5", "  seed: 0", "  schedule: linear", "  timesteps: 20", "  images: 4",
                     "  weights: ema", "  Software: ddpm"] {
            #expect(info.stdout.contains(line + "\n"), "info should print \(line)\n\(info)")
        }
        #expect(info.stdout.contains("  checkpoint-fnv1a64: "))

        // 4. The grid is not overwritten without --force; with it, it is (same seed, same bytes).
        let again = try work.ddpm("sample", "--checkpoint", "run", "--n", "4", "--sampler", "ddim", "--steps", "5", "--out", "g.png")
        expectUserError(again, mentions: ["--out g.png", "--force"])
        let forced = try work.ddpm("sample", "--checkpoint", "run", "--n", "4", "--sampler", "ddim", "--steps", "5", "--out", "g.png", "--force")
        #expect(forced.status == 0, "\(forced)")
        #expect(try PNGImage.read(from: work.file("g.png")).pixels == grid.pixels, "the same seed gives the same images")

        // 5. Export, then sample from the export: the same weights give the same images.
        let export = try work.ddpm("export", "--checkpoint", "run", "--out", "exported")
        #expect(export.status == 0, "\(export)")
        #expect(work.exists("exported/config.json") && work.exists("exported/diffusion_pytorch_model.safetensors"))
        let fromExport = try work.ddpm("sample", "--checkpoint", "exported", "--n", "4", "--sampler", "ddim", "--steps", "5", "--out", "e.png")
        #expect(fromExport.status == 0, "\(fromExport)")
        #expect(try PNGImage.read(from: work.file("e.png")).pixels == grid.pixels)
        expectUserError(try work.ddpm("export", "--checkpoint", "run", "--out", "exported"), mentions: ["exported", "--force"])

        // 6. Resume to step 9: it continues from step 6, and ends exactly where a straight 9-step run does.
        let resume = try work.ddpm("train", "--resume", "run", "--steps", "9")
        #expect(resume.status == 0, "\(resume)")
        #expect(resume.stdout.contains("stopped at step 9"), "\(resume)")
        #expect(work.exists("run/checkpoints/step-00000009.safetensors"))
        let straight = try work.ddpm(["train"] + Self.tinyModel + ["--steps", "9", "--run-dir", "straight"])
        #expect(straight.status == 0, "\(straight)")
        let resumed = try SafetensorsFile.read(from: work.file("run/checkpoints/step-00000009.safetensors"))
        let direct = try SafetensorsFile.read(from: work.file("straight/checkpoints/step-00000009.safetensors"))
        #expect(resumed.tensors == direct.tensors, "resumed weights, EMA and moments differ from a straight run")
        #expect(resumed.tensors.count > 10)
        let checkpointInfo = try work.ddpm("info", "run/checkpoints/step-00000009.safetensors")
        #expect(checkpointInfo.stdout.contains("step: 9  epoch: 0"), "\(checkpointInfo)")
        let metrics = try String(contentsOfFile: work.file("run/metrics.jsonl"), encoding: .utf8)
        let validationSteps = metrics.split(separator: "\n").compactMap { line -> Int? in
            guard line.contains("validationLoss"),
                  let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return obj["step"] as? Int
        }
        #expect(validationSteps == [3, 6, 9], "\(metrics)")
    }
}
