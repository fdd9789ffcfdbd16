// `ddpm inpaint` end to end: after `ddpm train`, the bare command finds the run and its dataset,
// writes the grid, per-completion PNGs with provenance, the trajectory and the schedule plot; the
// known region of every completion equals the input byte for byte; seeded output does not depend
// on the batch size; and every bad input is one error line naming the flag or file.
import DataIO
import Foundation
import Testing

@Suite struct CLIInpaintTests {
    /// A trained tiny run in `runs/r` (8×8 gray MNIST-style images, T = 20), as `ddpm train` leaves it.
    static func trainedWork() throws -> WorkFolder {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let train = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "3", "--run-dir", "runs/r"])
        #expect(train.status == 0, "\(train)")
        return work
    }

    /// Test image k of writeIDXDataset as bytes: a 3×3 white square at ((k / 6) % 6, k % 6).
    static func testImage(_ k: Int) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: 64)
        let x0 = k % 6, y0 = (k / 6) % 6
        for y in y0..<(y0 + 3) { for x in x0..<(x0 + 3) { p[y * 8 + x] = 255 } }
        return p
    }

    static let quick = ["--steps", "10", "--jump-length", "2", "--resample", "3"]

    @Test func bareCommandAfterTrainingWritesGridCompletionsTrajectoryAndPlot() throws {
        let work = try Self.trainedWork()
        let run = try work.ddpm(["inpaint", "--mask", "upper-half", "--n", "3", "--n-per-image", "2", "--out-dir", "done",
                                 "--trajectory", "traj.png", "--schedule-plot", "plan.png", "--scores", "s.csv"] + Self.quick)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("wrote 3 inputs × 2 completions to inpaint.png"), "\(run)")
        #expect(run.stderr.contains("model evaluations per image"), "the cost is announced up front\n\(run)")
        #expect(run.stdout.contains("masked-region MSE"), "\(run)")
        // Grid: 3 rows (inputs) × 4 columns (original, masked, 2 completions) of 8×8 tiles, padding 2.
        let grid = try PNGImage.read(from: work.file("inpaint.png"))
        #expect((grid.width, grid.height, grid.channels) == (42, 32, 1))
        #expect(grid.textValue(forKey: "mask") == "upper-half" && grid.textValue(forKey: "resample") == "3")
        func tile(_ row: Int, _ col: Int) -> [UInt8] {
            (0..<8).flatMap { y in (0..<8).map { x in grid.pixels[(2 + row * 10 + y) * 42 + 2 + col * 10 + x] } }
        }
        for i in 0..<3 {
            let truth = Self.testImage(i)
            #expect(tile(i, 0) == truth, "column 0 is the original test image \(i)")
            #expect(tile(i, 1) == (0..<64).map { $0 < 32 ? 128 : truth[$0] }, "column 1 greys the generated upper half")
            for k in 0..<2 {
                // Known region (lower half) equals the input exactly, in the per-completion PNG and in the grid.
                let png = try PNGImage.read(from: work.file(String(format: "done/input%05d-%02d.png", i, k)))
                #expect(Array(png.pixels[32...]) == Array(truth[32...]), "input \(i) completion \(k)")
                #expect(Array(tile(i, 2 + k)[32...]) == Array(truth[32...]))
                #expect(png.textValue(forKey: "input") == "mnist test #\(i)" && png.textValue(forKey: "completion") == "\(k)")
                #expect(png.textValue(forKey: "checkpoint-fnv1a64") != nil && png.textValue(forKey: "seed") == "0")
            }
        }
        #expect(work.exists("traj.png") && work.exists("plan.png"))
        let csv = try String(contentsOfFile: work.file("s.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 7 && csv[1].hasPrefix("\"mnist test #0\",0,"), "\(csv)")
        let info = try work.ddpm("info", "done/input00001-00.png")
        #expect(info.stdout.contains("  sampler: repaint+ddpm\n") && info.stdout.contains("  jump-length: 2\n"), "\(info)")

        // The same seed gives the same bytes with another batch size; --dataset/--indices and --input pick inputs.
        let rerun = try work.ddpm(["inpaint", "--mask", "upper-half", "--n", "3", "--n-per-image", "2", "--batch-size", "4",
                                   "--out", "again.png"] + Self.quick)
        #expect(rerun.status == 0, "\(rerun)")
        #expect(try PNGImage.read(from: work.file("again.png")).pixels == grid.pixels, "batch size changed the result")
        let picked = try work.ddpm(["inpaint", "--dataset", "mnist", "--data-dir", "data", "--indices", "0,5,9", "--n-per-image", "1",
                                    "--mask", "center", "--mask-size", "4", "--out", "picked.png"] + Self.quick)
        #expect(picked.status == 0, "\(picked)")
        #expect(try PNGImage.read(from: work.file("picked.png")).height == 32)
        let folder = try work.ddpm(["inpaint", "--input", "done", "--n-per-image", "1", "--mask", "every-other-line",
                                    "--out", "folder.png"] + Self.quick)
        #expect(folder.status == 0 && folder.stdout.contains("wrote 6 inputs"), "\(folder)")
    }

    @Test func badInputsAreOneLineNamingTheFlagOrFile() throws {
        let empty = try WorkFolder()
        expectUserError(try empty.ddpm("inpaint"), mentions: ["--checkpoint", "runs/"])
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: empty.file("bad.safetensors")))
        expectUserError(try empty.ddpm("inpaint", "--checkpoint", "bad.safetensors"), mentions: ["bad.safetensors"])

        let work = try Self.trainedWork()
        try PNGImage(width: 10, height: 10, channels: 1, pixels: [UInt8](repeating: 9, count: 100)).write(to: work.file("big.png"), overwrite: true)
        expectUserError(try work.ddpm(["inpaint", "--input", "big.png"] + Self.quick), mentions: ["--input big.png", "10x10", "8x8"])
        let colour: [UInt8] = (0..<64).flatMap { (k: Int) -> [UInt8] in [UInt8(k), 0, 255] }
        try PNGImage(width: 8, height: 8, channels: 3, pixels: colour).write(to: work.file("rgb.png"), overwrite: true)
        expectUserError(try work.ddpm(["inpaint", "--input", "rgb.png"] + Self.quick), mentions: ["--input rgb.png", "RGB", "gray"])
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: work.file("broken.png")))
        expectUserError(try work.ddpm(["inpaint", "--input", "broken.png"] + Self.quick), mentions: ["broken.png"])
        try PNGImage(width: 5, height: 5, channels: 1, pixels: [UInt8](repeating: 255, count: 25)).write(to: work.file("m5.png"), overwrite: true)
        expectUserError(try work.ddpm(["inpaint", "--mask-file", "m5.png"] + Self.quick), mentions: ["--mask-file m5.png", "5x5", "8x8"])
        try PNGImage(width: 8, height: 8, channels: 1, pixels: [UInt8](repeating: 255, count: 64)).write(to: work.file("white.png"), overwrite: true)
        expectUserError(try work.ddpm(["inpaint", "--mask-file", "white.png"] + Self.quick), mentions: ["white.png", "nothing to generate"])
        expectUserError(try work.ddpm(["inpaint", "--mask", "random-pixels", "--keep", "1"] + Self.quick), mentions: ["nothing to generate"])
        expectUserError(try work.ddpm(["inpaint", "--indices", "0,99999"] + Self.quick), mentions: ["--indices 99999"])
        expectUserError(try work.ddpm(["inpaint", "--indices", "0,x"] + Self.quick), mentions: ["--indices"])
        expectUserError(try work.ddpm(["inpaint", "--mask", "center", "--mask-size", "9"] + Self.quick), mentions: ["--mask-size 9"])
        expectUserError(try work.ddpm(["inpaint", "--resample", "0"] + Self.quick.prefix(4)), mentions: ["--resample"])
        #expect(!work.exists("inpaint.png"), "nothing written on errors")

        // An all-black mask file generates everything: plain sampling, said so, and it still works.
        try PNGImage(width: 8, height: 8, channels: 1, pixels: [UInt8](repeating: 0, count: 64)).write(to: work.file("black.png"), overwrite: true)
        let all = try work.ddpm(["inpaint", "--mask-file", "black.png", "--n", "1", "--n-per-image", "1"] + Self.quick)
        #expect(all.status == 0 && all.stderr.contains("plain sampling"), "\(all)")
        // --invert-mask turns the white (all-keep) file into the same all-generate case.
        let inverted = try work.ddpm(["inpaint", "--mask-file", "white.png", "--invert-mask", "--n", "1", "--n-per-image", "1",
                                      "--out", "inv.png"] + Self.quick)
        #expect(inverted.status == 0 && inverted.stderr.contains("plain sampling"), "\(inverted)")
    }
}
