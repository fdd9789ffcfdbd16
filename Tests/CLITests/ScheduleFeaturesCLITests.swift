// ddpm train --grad-accumulation, --betas-file and --rescale-zero-terminal-snr through the binary:
// every error names its flag (and file), and a run with all three trains, resumes, samples and
// exports its exact betas to diffusers' scheduler_config.json.
import DataIO
import Foundation
import Testing

@Suite struct ScheduleFeaturesCLITests {
    static func betasText(_ count: Int) -> String {
        "# a linear schedule\n" + (0..<count).map { String(1e-3 + 0.1 * Double($0) / Double(count)) }.joined(separator: "\n") + "\n"
    }

    @Test func gradAccumulationBelowOneNamesTheFlag() throws {
        let work = try WorkFolder()
        expectUserError(try work.ddpm("train", "--grad-accumulation", "0", "--run-dir", "r"), mentions: ["--grad-accumulation", "at least 1"])
        #expect(!work.exists("r"))
    }

    @Test func effectiveBatchBeyondTheDataNamesBothFlags() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let run = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--grad-accumulation", "20", "--run-dir", "r"])
        expectUserError(run, mentions: ["--batch-size 4", "--grad-accumulation 20", "80 images per step", "64 training images"])
        #expect(!work.exists("r"))
    }

    @Test(arguments: [
        ("missing.txt", nil, ["--betas-file", "missing.txt"]),
        ("words.txt", "0.1\nabc\n", ["--betas-file words.txt", "line 2", "not a number"]),
        ("big.txt", "0.1\n1.5\n", ["--betas-file big.txt", "beta 2", "1.5", "(0, 1)"]),
        ("zero.txt", "0\n0.5\n", ["--betas-file zero.txt", "beta 1", "(0, 1)"]),
        ("one.txt", "0.1\n", ["--betas-file one.txt", "holds 1 betas", "at least 2"]),
        ("fake.npy", "not numpy", ["--betas-file", "fake.npy", "not a .npy file"]),
    ] as [(String, String?, [String])])
    func badBetasFileNamesTheFileAndTheProblem(_ name: String, _ text: String?, _ mentions: [String]) throws {
        let work = try WorkFolder()
        if let text { try work.write(Array(text.utf8), to: name) }
        expectUserError(try work.ddpm("train", "--betas-file", name, "--run-dir", "r"), mentions: mentions)
        #expect(!work.exists("r"))
    }

    @Test func betasFileConflictsAreNamed() throws {
        let work = try WorkFolder()
        try work.write(Array(Self.betasText(20).utf8), to: "b.txt")
        expectUserError(try work.ddpm("train", "--betas-file", "b.txt", "--schedule", "cosine", "--run-dir", "r"),
                        mentions: ["--schedule cosine", "--betas-file", "only one"])
        expectUserError(try work.ddpm("train", "--betas-file", "b.txt", "--timesteps", "30", "--run-dir", "r"),
                        mentions: ["--timesteps 30", "--betas-file b.txt", "20 betas"])
    }

    @Test func npyBetasFileOfAnotherShapeIsNamed() throws {
        let work = try WorkFolder()
        try NPYArray(shape: [2, 2], values: [0.1, 0.2, 0.3, 0.4]).write(to: work.file("m.npy"))
        expectUserError(try work.ddpm("train", "--betas-file", "m.npy", "--run-dir", "r"), mentions: ["m.npy", "1-D array", "(2, 2)"])
    }

    @Test func accumulatedZeroSNRRunWithCustomBetasTrainsResumesSamplesAndExports() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        try work.write(Array(Self.betasText(20).utf8), to: "b.txt")
        let flags = CLIPipelineTests.tinyModel + ["--betas-file", "b.txt", "--rescale-zero-terminal-snr", "--grad-accumulation", "2"]
        let train = try work.ddpm(["train"] + flags + ["--steps", "3", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        #expect(train.stderr.contains("effective batch 8 = 2 × 4 accumulated"), "\(train)")
        let config = try String(contentsOfFile: work.file("run/config.yaml"), encoding: .utf8)
        for key in ["gradAccumulation: 2", "rescaleZeroTerminalSnr: true", "betas:", "timesteps: 20"] {
            #expect(config.contains(key), "config.yaml lacks \(key)\n\(config)")
        }
        // The run settings are the checkpoint's: --resume refuses them, and continues with them.
        expectUserError(try work.ddpm("train", "--resume", "run", "--grad-accumulation", "1"), mentions: ["--grad-accumulation", "--resume"])
        expectUserError(try work.ddpm("train", "--resume", "run", "--betas-file", "b.txt"), mentions: ["--betas-file", "--resume"])
        let resume = try work.ddpm("train", "--resume", "run", "--steps", "4")
        #expect(resume.status == 0 && resume.stdout.contains("stopped at step 4"), "\(resume)")

        // Sampling starts at t = T with alphaBar_T = 0: finite images, and the export samples the same.
        let sample = try work.ddpm("sample", "--checkpoint", "run", "--n", "2", "--out", "g.png")
        #expect(sample.status == 0, "\(sample)")
        let info = try work.ddpm("info", "g.png")
        #expect(info.stdout.contains("  schedule: betas-file-zero-snr\n"), "\(info)")
        #expect(try work.ddpm("export", "--checkpoint", "run", "--out", "exported").status == 0)
        let scheduler = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work.file("exported/scheduler_config.json")))) as! [String: Any]
        #expect(scheduler["rescale_betas_zero_snr"] as? Bool == true)
        #expect((scheduler["trained_betas"] as? [Double])?.count == 20)
        let fromExport = try work.ddpm("sample", "--checkpoint", "exported", "--n", "2", "--out", "e.png")
        #expect(fromExport.status == 0, "\(fromExport)")
        #expect(try PNGImage.read(from: work.file("e.png")).pixels == PNGImage.read(from: work.file("g.png")).pixels)
    }
}
