// The figures the seeds show, from the real binary: `ddpm plot` (runs overlaid), `ddpm schedule
// --schedule a,b`, `ddpm noise` (forward-process strip) and `--trajectory-steps`, with every new
// error message.
import DataIO
import Foundation
import Testing

@Suite struct FigureCLITests {
    /// Two tiny runs of 6 steps that log loss (steps 1, 5) and validation loss (steps 3, 6).
    static func twoRuns(in work: WorkFolder) throws {
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        for (name, lr) in [("a", "1e-4"), ("b", "1e-3")] {
            let run = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "6", "--learning-rate", lr, "--run-dir", name])
            #expect(run.status == 0, "\(run)")
        }
    }

    @Test func plotOverlaysRunsWithALegendAndNamesWhatIsMissing() throws {
        let work = try WorkFolder()
        try Self.twoRuns(in: work)
        let plot = try work.ddpm("plot", "a", "b/metrics.jsonl", "--metric", "validationLoss", "--labels", "slow,fast", "--out", "v.png")
        #expect(plot.status == 0, "\(plot)")
        let png = try PNGImage.read(from: work.file("v.png"))
        #expect((png.width, png.height, png.channels) == (720, 440, 3))
        // Both series colors (the palette's first two: blue, orange) are drawn.
        let colors = Set(stride(from: 0, to: png.pixels.count, by: 3).map { [png.pixels[$0], png.pixels[$0 + 1], png.pixels[$0 + 2]] })
        #expect(colors.contains([31, 119, 180]) && colors.contains([255, 127, 14]), "two runs, two colors")
        #expect(png.text.contains { $0 == ("metric", "validationLoss") }, "\(png.text)")
        let log = try work.ddpm("plot", "a", "b", "--metric", "lossQ1", "--log-y", "--out", "q.png")
        #expect(log.status == 0 && work.exists("q.png"), "\(log)")

        expectUserError(try work.ddpm("plot", "a", "b", "--out", "v.png"), mentions: ["--out v.png", "--force"])
        expectUserError(try work.ddpm("plot", "a", "missing", "--out", "m.png"), mentions: ["missing", "no such run folder"])
        try FileManager.default.createDirectory(atPath: work.file("empty"), withIntermediateDirectories: true)
        expectUserError(try work.ddpm("plot", "empty", "--out", "m.png"), mentions: ["empty", "no metrics.jsonl"])
        let unknown = try work.ddpm("plot", "a", "--metric", "accuracy", "--out", "m.png")
        expectUserError(unknown, mentions: ["--metric", "accuracy", "validationLoss"])
        expectUserError(try work.ddpm("plot", "a", "--metric", "fidFeatureNet", "--out", "m.png"),
                        mentions: ["--metric fidFeatureNet", "a logged no fidFeatureNet", "it logged: loss, validationLoss"])
        expectUserError(try work.ddpm("plot", "a", "b", "--labels", "one", "--out", "m.png"), mentions: ["--labels one", "2 runs"])
        expectUserError(try work.ddpm("plot", "--out", "m.png"), mentions: ["at least one run folder"])
        #expect(!work.exists("m.png"))
    }

    @Test func scheduleDrawsAndTabulatesTheChosenFew() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("schedule", "--schedule", "linear,cosine,sigmoid", "--timesteps", "10", "--csv", "-", "--out", "s.png")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.hasPrefix("t,linear_beta,linear_alpha_bar,cosine_beta,cosine_alpha_bar,sigmoid_beta,sigmoid_alpha_bar\n"), "\(run)")
        #expect(work.exists("s.png"))
        let bad = try work.ddpm("schedule", "--schedule", "linear,cosin", "--csv", "-")
        expectUserError(bad, mentions: ["--schedule", "linear,cosin", "expected one of: all, linear, cosine"])
    }

    @Test func noiseDrawsALabelledSeededForwardStrip() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let data = ["--dataset", "mnist", "--data-dir", "data", "--timesteps", "100"]
        let run = try work.ddpm(["noise", "--t", "10,50,100", "--indices", "0,7", "--out", "n.png"] + data)
        #expect(run.status == 0, "\(run)")
        let png = try PNGImage.read(from: work.file("n.png"))
        // Four rows (x_0 first, then t = 10, 50, 100) of two 8×8 images, with a label column on the left.
        #expect(png.height == 4 * 8 + 5 * 2 && png.channels == 1, "\(png.width)×\(png.height)")
        let again = try work.ddpm(["noise", "--t", "10,50,100", "--indices", "0,7", "--out", "n.png", "--force"] + data)
        #expect(again.status == 0, "\(again)")
        #expect(try PNGImage.read(from: work.file("n.png")).pixels == png.pixels, "the same --seed, the same strip")

        expectUserError(try work.ddpm(["noise", "--t", "10,101", "--out", "x.png"] + data), mentions: ["--t 10,101", "101 is outside 0…100"])
        expectUserError(try work.ddpm(["noise", "--t", "10,-3", "--out", "x.png"] + data), mentions: ["--t"])
        expectUserError(try work.ddpm(["noise", "--t", "10", "--indices", "3,99999", "--out", "x.png"] + data),
                        mentions: ["--indices 3,99999", "99999 is outside", "training split has 64 images"])
        #expect(!work.exists("x.png"))
    }

    @Test func trajectoryStepsChooseTheStripsColumns() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let train = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "3", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        // T = 20: all steps visit every t, so the strip shows exactly the four asked for.
        let full = try work.ddpm("sample", "--checkpoint", "run", "--n", "2", "--out", "g.png", "--trajectory", "t.png",
                                 "--trajectory-steps", "15,10,5,0")
        #expect(full.status == 0, "\(full)")
        let strip = try PNGImage.read(from: work.file("t.png"))
        #expect(strip.width == 4 * 8 + 5 * 2 && strip.height == 4 * 8 + 5 * 2, "4 columns, 2 images × (x_t, x̂_0)")
        #expect(strip.text.contains { $0.key == "figure" && $0.value.hasSuffix("t = 15,10,5,0") }, "\(strip.text)")
        // DDIM with 4 steps visits only some t: the nearest are shown, and the command says so.
        let respaced = try work.ddpm("sample", "--checkpoint", "run", "--n", "2", "--sampler", "ddim", "--steps", "4", "--out", "g.png",
                                     "--force", "--trajectory", "t.png", "--trajectory-steps", "12,0")
        #expect(respaced.status == 0, "\(respaced)")
        #expect(respaced.stderr.contains("--trajectory-steps: this sampler does not visit t = 12"), "\(respaced)")

        expectUserError(try work.ddpm("sample", "--checkpoint", "run", "--n", "2", "--out", "x.png", "--trajectory", "x.png",
                                      "--trajectory-steps", "21,0", "--images-dir", "imgs"), mentions: ["--trajectory-steps 21,0", "21 is outside 0…20"])
        expectUserError(try work.ddpm("sample", "--checkpoint", "run", "--n", "2", "--out", "x.png", "--trajectory-steps", "5"),
                        mentions: ["--trajectory-steps needs --trajectory"])
        expectUserError(try work.ddpm("inpaint", "--checkpoint", "run", "--n", "1", "--steps", "5", "--out", "x.png",
                                      "--trajectory", "y.png", "--trajectory-steps", "30", "--schedule-plot", "plot.png"),
                        mentions: ["--trajectory-steps 30", "outside 0…20"])
        #expect(!work.exists("x.png") && !work.exists("imgs") && !work.exists("plot.png"), "a refused run leaves nothing behind")
    }
}
