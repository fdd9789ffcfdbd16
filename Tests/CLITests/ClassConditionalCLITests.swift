// `ddpm train --class-conditional --p-uncond` and `ddpm sample --class --guidance` as a user runs
// them: a folder dataset with one subfolder per class, names in provenance and in the grid, and
// one clear error line for every wrong class choice.
import DataIO
import Foundation
import Testing

@Suite struct ClassConditionalCLITests {
    /// 12 + 12 8×8 gray PNGs in shapes/circle and shapes/square.
    static func writeClassFolders(in folder: String) throws {
        for (name, value) in [("circle", UInt8(40)), ("square", UInt8(220))] {
            try FileManager.default.createDirectory(atPath: "\(folder)/\(name)", withIntermediateDirectories: true)
            for k in 0..<12 {
                var pixels = [UInt8](repeating: 0, count: 64)
                for i in 0..<64 where (i + k) % 3 == 0 { pixels[i] = value }
                try PNGImage(width: 8, height: 8, channels: 1, pixels: pixels).write(to: "\(folder)/\(name)/\(k).png", overwrite: false)
            }
        }
    }

    static let tinyModel = ["--image-size", "8", "--base-channels", "8", "--channel-multipliers", "1,2", "--res-blocks", "1",
                            "--attention-resolutions", "none", "--timesteps", "20", "--batch-size", "4", "--sample-every", "0",
                            "--validate-every", "3", "--validation-images", "4"]

    @Test func trainOnClassFoldersThenSampleByNameWithGuidance() throws {
        let work = try WorkFolder()
        try Self.writeClassFolders(in: work.file("shapes"))
        let train = try work.ddpm(["train", "--dataset", "folder", "--data-dir", "shapes", "--class-conditional", "--p-uncond", "0.25"]
                                  + Self.tinyModel + ["--steps", "3", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        let config = try String(contentsOfFile: work.file("run/config.yaml"), encoding: .utf8)
        let dropout = config.split(separator: "\n").first { $0.contains("classDropout:") }?.split(separator: ":").last
        #expect(config.contains("classes: 2") && dropout.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } == 0.25, "\(config)")
        #expect(config.contains("- circle") && config.contains("- square"), "\(config)")

        // By name, guided, with both samplers; provenance records class and guidance.
        for sampler in [["--sampler", "ddim", "--steps", "4"], ["--sampler", "ddpm", "--steps", "4"]] {
            let sample = try work.ddpm(["sample", "--checkpoint", "run", "--class", "Square", "--guidance", "2", "--n", "3",
                                        "--out", "g.png", "--images-dir", "imgs", "--force"] + sampler)
            #expect(sample.status == 0, "\(sample)")
            let grid = try PNGImage.read(from: work.file("g.png"))
            #expect(grid.textValue(forKey: "class") == "1 square")
            #expect(grid.textValue(forKey: "guidance") == "2.0")
            #expect(grid.textValue(forKey: "guidance-convention")?.contains("diffusers guidance_scale = 3.0") == true)
            #expect(try PNGImage.read(from: work.file("imgs/00002.png")).textValue(forKey: "class") == "1 square")
        }
        let info = try work.ddpm("info", "g.png")
        #expect(info.stdout.contains("guidance"), "\(info)")

        // --class all: one row per class, names left of the rows; --class 0 is the plain conditional model.
        let all = try work.ddpm("sample", "--checkpoint", "run", "--class", "all", "--n", "2", "--sampler", "ddim", "--steps", "3", "--out", "all.png")
        #expect(all.status == 0, "\(all)")
        let allGrid = try PNGImage.read(from: work.file("all.png"))
        let plainWidth = 2 * (8 + 2) + 2
        #expect(allGrid.height == 2 * (8 + 2) + 2 && allGrid.width > plainWidth, "\(allGrid.width)×\(allGrid.height)")
        #expect(allGrid.textValue(forKey: "images") == "4")
        let zero = try work.ddpm("sample", "--checkpoint", "run", "--class", "0", "--guidance", "0", "--n", "2", "--sampler", "ddim",
                                 "--steps", "3", "--out", "zero.png")
        #expect(zero.status == 0, "\(zero)")
        #expect(try PNGImage.read(from: work.file("zero.png")).textValue(forKey: "class") == "0 circle")

        // Inpainting guided towards a class: the same wrapper, recorded in the grid.
        let inpaint = try work.ddpm("inpaint", "--checkpoint", "run", "--input", "shapes/circle/0.png", "--class", "square", "--guidance", "1.5",
                                    "--n-per-image", "2", "--steps", "4", "--jump-length", "2", "--resample", "2", "--out", "fill.png")
        #expect(inpaint.status == 0, "\(inpaint)")
        let fill = try PNGImage.read(from: work.file("fill.png"))
        #expect(fill.textValue(forKey: "class") == "1 square" && fill.textValue(forKey: "guidance") == "1.5")
        expectUserError(try work.ddpm("inpaint", "--checkpoint", "run", "--input", "shapes/circle/0.png", "--class", "hexagon", "--out", "bad.png"),
                        mentions: ["--class hexagon", "unknown class", "0 circle, 1 square"])
        expectUserError(try work.ddpm("inpaint", "--checkpoint", "run", "--input", "shapes/circle/0.png", "--guidance", "2", "--out", "bad.png"),
                        mentions: ["--guidance", "--class"])
        expectUserError(try work.ddpm("inpaint", "--checkpoint", "run", "--input", "shapes/circle/0.png", "--class", "all", "--out", "bad.png"),
                        mentions: ["--class all", "0 circle, 1 square", "'all', one grid row per class, is for ddpm sample"])
        expectUserError(try work.ddpm("inpaint", "--checkpoint", "run", "--input", "shapes/circle/0.png", "--class", "square",
                                      "--guidance", "-1", "--out", "bad.png"), mentions: ["--guidance must be a finite number >= 0"])

        // Class names survive a diffusers export.
        #expect(try work.ddpm("export", "--checkpoint", "run", "--out", "exported").status == 0)
        let exported = try work.ddpm("sample", "--checkpoint", "exported", "--class", "circle", "--n", "1", "--sampler", "ddim",
                                     "--steps", "2", "--out", "e.png")
        #expect(exported.status == 0, "\(exported)")

        // Wrong choices: one line listing the valid classes; nothing written.
        for bad in ["triangle", "2", "-1"] {
            let run = try work.ddpm("sample", "--checkpoint", "run", "--class=\(bad)", "--n", "1", "--out", "bad.png")
            expectUserError(run, mentions: ["--class \(bad)", "unknown class", "0 circle, 1 square", "or all"])
        }
        expectUserError(try work.ddpm("sample", "--checkpoint", "run", "--class", "all", "--nrow", "3", "--out", "bad.png"),
                        mentions: ["--nrow", "--class all"])
        expectUserError(try work.ddpm("sample", "--checkpoint", "run", "--guidance=-1", "--out", "bad.png"),
                        mentions: ["--guidance", ">= 0"])
        #expect(!work.exists("bad.png"))
        // Class conditioning is fixed for a run: --resume refuses it.
        expectUserError(try work.ddpm("train", "--resume", "run", "--p-uncond", "0.5"), mentions: ["--resume"])
        expectUserError(try work.ddpm("train", "--resume", "run", "--class-conditional"), mentions: ["--resume"])
    }

    @Test func unconditionalCheckpointRefusesClassAndGuidance() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let train = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "1", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        expectUserError(try work.ddpm("sample", "--checkpoint", "run", "--class", "3", "--n", "1"),
                        mentions: ["--class 3", "unconditional", "no classes"])
        expectUserError(try work.ddpm("sample", "--checkpoint", "run", "--guidance", "2", "--n", "1"),
                        mentions: ["--guidance 2.0", "unconditional"])
        expectUserError(try work.ddpm("inpaint", "--checkpoint", "run", "--class", "sneaker", "--n", "1"),
                        mentions: ["--class sneaker", "unconditional", "no classes"])
        #expect(!work.exists("grid.png"))
    }

    @Test func trainingFlagErrors() throws {
        let work = try WorkFolder()
        expectUserError(try work.ddpm("train", "--dataset", "mnist", "--p-uncond", "0.1", "--run-dir", "r"),
                        mentions: ["--p-uncond 0.1", "not class-conditional", "--class-conditional"])
        expectUserError(try work.ddpm("train", "--dataset", "mnist", "--class-conditional", "--p-uncond", "1.5", "--run-dir", "r"),
                        mentions: ["--p-uncond", "between 0 and 1"])
        expectUserError(try work.ddpm("train", "--dataset", "mnist", "--class-conditional", "--classes", "3", "--run-dir", "r"),
                        mentions: ["--classes 3", "--class-conditional", "10 classes"])
        // A folder of loose PNGs has no labels.
        try FileManager.default.createDirectory(atPath: work.file("loose"), withIntermediateDirectories: true)
        try PNGImage(width: 8, height: 8, channels: 1, pixels: [UInt8](repeating: 0, count: 64)).write(to: work.file("loose/a.png"), overwrite: false)
        expectUserError(try work.ddpm("train", "--dataset", "folder", "--data-dir", "loose", "--class-conditional", "--run-dir", "r"),
                        mentions: ["--class-conditional", "--data-dir loose", "no per-class subfolders"])
        #expect(!work.exists("r"))
    }
}
