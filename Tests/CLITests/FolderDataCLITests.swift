// `ddpm train --dataset folder` as the seeds use it: an RGB folder trains as RGB, a mixed one is an
// error, --classes-subset picks classes by name or number, and every new error names its flag.
import DataIO
import Foundation
import Testing

@Suite struct FolderDataCLITests {
    /// `count` 8×8 PNGs with `channels` channels in `folder`.
    static func writeImages(in folder: String, count: Int, channels: Int, prefix: String = "") throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for k in 0..<count {
            let pixels = (0..<(64 * channels)).map { UInt8(truncatingIfNeeded: ($0 * 7 + k * 13) % 256) }
            try PNGImage(width: 8, height: 8, channels: channels, pixels: pixels).write(to: "\(folder)/\(prefix)\(k).png", overwrite: false)
        }
    }

    static let model = ClassConditionalCLITests.tinyModel

    @Test func rgbFolderTrainsAsRGBWithoutFlags() throws {
        let work = try WorkFolder()
        try Self.writeImages(in: work.file("rgb"), count: 20, channels: 3)
        let train = try work.ddpm(["train", "--dataset", "folder", "--data-dir", "rgb"] + Self.model + ["--steps", "1", "--limit", "10", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        #expect(train.stderr.contains("on 10 images (2 for validation)"), "\(train)")
        let config = try String(contentsOfFile: work.file("run/config.yaml"), encoding: .utf8)
        #expect(config.contains("channels: 3") && config.contains("limit: 10"), "\(config)")
        // --channels 1 converts explicitly.
        let gray = try work.ddpm(["train", "--dataset", "folder", "--data-dir", "rgb", "--channels", "1"] + Self.model + ["--steps", "1", "--run-dir", "gray"])
        #expect(gray.status == 0, "\(gray)")
        #expect(try String(contentsOfFile: work.file("gray/config.yaml"), encoding: .utf8).contains("channels: 1"))
    }

    @Test func mixedFolderAsksForChannels() throws {
        let work = try WorkFolder()
        try Self.writeImages(in: work.file("mixed"), count: 3, channels: 3, prefix: "c")
        try Self.writeImages(in: work.file("mixed"), count: 2, channels: 1, prefix: "g")
        let run = try work.ddpm(["train", "--dataset", "folder", "--data-dir", "mixed"] + Self.model + ["--run-dir", "r"])
        expectUserError(run, mentions: ["--data-dir mixed", "gray PNGs (2", "colour PNGs (3", "--channels 1", "--channels 3"])
        #expect(!work.exists("r"))
    }

    @Test func configWhoseChannelsContradictTheFolderIsNamed() throws {
        let work = try WorkFolder()
        try Self.writeImages(in: work.file("rgb"), count: 4, channels: 3)
        try work.write(Array("model:\n  channels: 1\n".utf8), to: "c.yaml")
        let run = try work.ddpm(["train", "--config", "c.yaml", "--dataset", "folder", "--data-dir", "rgb"] + Self.model + ["--run-dir", "r"])
        expectUserError(run, mentions: ["--data-dir rgb", "colour PNGs", "--config c.yaml", "model.channels 1", "--channels 3"])
    }

    /// A config that leaves model.channels to its default says nothing about the folder: the
    /// detected count is used, as without --config.
    @Test func configWithoutChannelsTakesTheDetectedCount() throws {
        let work = try WorkFolder()
        try Self.writeImages(in: work.file("rgb"), count: 20, channels: 3)
        try work.write(Array("model:\n  baseChannels: 8\ntraining:\n  batchSize: 2\n".utf8), to: "c.yaml")
        let run = try work.ddpm(["train", "--config", "c.yaml", "--dataset", "folder", "--data-dir", "rgb"] + Self.model
                                + ["--steps", "1", "--run-dir", "r"])
        #expect(run.status == 0, "\(run)")
        #expect(try String(contentsOfFile: work.file("r/config.yaml"), encoding: .utf8).contains("channels: 3"))
    }

    @Test func channelsOtherThanOneOrThreeAreRejected() throws {
        let work = try WorkFolder()
        expectUserError(try work.ddpm("train", "--channels", "2", "--run-dir", "r"), mentions: ["--channels", "1 (gray) or 3 (RGB)", "got 2"])
    }

    @Test func classesSubsetByNameTrainsOnThoseClassesOnly() throws {
        let work = try WorkFolder()
        try ClassConditionalCLITests.writeClassFolders(in: work.file("shapes"))
        let train = try work.ddpm(["train", "--dataset", "folder", "--data-dir", "shapes", "--classes-subset", "square"] + Self.model
                                  + ["--steps", "1", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        // 24 files, the last tenth (2: one per class, interleaved) validates; 11 squares train, 1 validates.
        #expect(train.stderr.contains("on 11 images (1 for validation)"), "\(train)")
        #expect(try String(contentsOfFile: work.file("run/config.yaml"), encoding: .utf8).contains("classesSubset:\n  - 1"))
        expectUserError(try work.ddpm("train", "--resume", "run", "--classes-subset", "circle"), mentions: ["--classes-subset", "--resume"])
    }

    /// The decoded-then-filtered path (IDX): labels are k % 10, so label 3 holds 7 of the 64
    /// training images, and all of the first 8 held-out images validation reads.
    @Test func classesSubsetAndLimitOfAnIDXDataset() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let subset = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--classes-subset", "3", "--steps", "1", "--run-dir", "a"])
        #expect(subset.status == 0 && subset.stderr.contains("on 7 images (8 for validation)"), "\(subset)")
        let limited = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--limit", "10", "--steps", "1", "--run-dir", "b"])
        #expect(limited.status == 0 && limited.stderr.contains("on 10 images (8 for validation)"), "\(limited)")
    }

    @Test func unknownClassListsTheValidOnes() throws {
        let work = try WorkFolder()
        try ClassConditionalCLITests.writeClassFolders(in: work.file("shapes"))
        let run = try work.ddpm("train", "--dataset", "folder", "--data-dir", "shapes", "--classes-subset", "square,zebra", "--run-dir", "r")
        expectUserError(run, mentions: ["--classes-subset square,zebra", "unknown class \"zebra\"", "valid classes: 0 circle, 1 square"])
        let builtIn = try work.ddpm("train", "--dataset", "cifar10", "--classes-subset", "automobil", "--run-dir", "r")
        expectUserError(builtIn, mentions: ["--classes-subset automobil", "1 automobile", "9 truck"])
    }

    @Test func classesSubsetOfAnUnlabelledFolderIsNamed() throws {
        let work = try WorkFolder()
        try Self.writeImages(in: work.file("flat"), count: 4, channels: 1)
        let run = try work.ddpm("train", "--dataset", "folder", "--data-dir", "flat", "--classes-subset", "0", "--run-dir", "r")
        expectUserError(run, mentions: ["--classes-subset 0", "per-class subfolders"])
    }

    @Test func folderOfEmptySubfoldersSaysTheyWereSearched() throws {
        let work = try WorkFolder()
        try FileManager.default.createDirectory(atPath: work.file("empty/cats"), withIntermediateDirectories: true)
        let run = try work.ddpm(["train", "--dataset", "folder", "--data-dir", "empty", "--channels", "1"] + Self.model + ["--run-dir", "r"])
        expectUserError(run, mentions: ["empty", "neither at the top level nor in its subfolders (cats"])
    }
}
