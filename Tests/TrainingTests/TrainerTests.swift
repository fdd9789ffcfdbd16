// The training loop end to end on a tiny UNet and a synthetic dataset: the loss falls, the run
// folder holds what RunDirectory documents, runs are bitwise reproducible, and a resumed run
// continues exactly where an uninterrupted one would be.
import DataIO
import Diffusion
import Foundation
import NN
import Testing
import TensorCore
@testable import Training

@Suite struct TrainerTests {
    @Test func trainingLowersTheLossAndWritesTheRunFolder() throws {
        let scratch = try Scratch()
        let steps = 40
        var config = Tiny.config(seed: 3)
        config.training.steps = steps
        config.training.checkpointEvery = 16
        config.training.keepCheckpoints = 2
        let trainer = try Tiny.trainer(config, in: scratch)
        #expect(try trainer.runLoop(shouldStop: { false }) == .steps)
        #expect(trainer.state.progress.step == steps)
        let run = trainer.run

        // 1. The loss falls. Per-step losses are noisy (8 images at random t), so compare the means
        //    of the first and last eight steps; from ≈1 (a fresh model predicts ε ≈ 0) it roughly halves.
        let losses = try trainLosses(run)
        #expect(losses.map(\.step) == Array(1...steps))
        let first = losses.prefix(8).map(\.loss).reduce(0, +) / 8
        let last = losses.suffix(8).map(\.loss).reduce(0, +) / 8
        #expect(last < 0.75 * first, "mean loss of the first 8 steps \(first), of the last 8 \(last)")

        // 2. Checkpoints: every 16 steps plus the last step, pruned to the newest two.
        #expect(try run.stepCheckpoints().map(\.step) == [32, 40])
        let latest = try Checkpoint.read(from: try #require(try run.latestCheckpoint()))
        #expect(latest.progress.step == steps)
        var resolved = config
        resolved.training.scheduleSteps = steps   // fixed from --steps when the run started
        #expect(latest.config == resolved)

        // 3. metrics.jsonl: one line per step with the documented keys. The lr column is the rate
        //    the step used: linear warm-up over 4 steps, (step)/4 · peak, then the peak.
        let lines = try metricsLines(run)
        #expect(lines.count == steps)
        var quarters = Set<String>()
        for line in lines {
            let step = try #require(line["step"] as? Int)
            for key in ["loss", "lr", "gradNorm", "imagesPerSecond"] {
                let value = try #require(line[key] as? Double, "step \(step) lacks \(key): \(line)")
                #expect(value.isFinite && value > 0, "step \(step): \(key) = \(value)")
            }
            #expect(line["epoch"] as? Int == (step - 1) / 8, "64 images in batches of 8: 8 steps per epoch")
            // Compared as Float: the log holds the Float rate widened to Double, and JSON text may
            // drop the last digit of a Double, never enough to change the nearest Float.
            let lr = try #require(line["lr"] as? Double)
            #expect(Float(lr) == 2e-3 * Float(min(step, 4)) / 4, "step \(step): lr \(lr)")
            for q in 1...4 {
                guard let v = line["lossQ\(q)"] as? Double else { continue }
                quarters.insert("lossQ\(q)")
                #expect(v.isFinite && v >= 0)
            }
        }
        #expect(quarters == ["lossQ1", "lossQ2", "lossQ3", "lossQ4"], "every quarter of t appears over 40 × 8 draws")

        // 4. loss.png: the LinePlot default size.
        let curve = try PNGImage.read(from: run.lossCurvePath)
        #expect((curve.width, curve.height) == (640, 400))

        // 5. Sampling from the checkpoint: a grid of n = 5 with nrow = 3 is 2 rows × 3 columns of
        //    8×8 tiles with 2 pixels of padding: (3·10 + 2) × (2·10 + 2).
        let source = try ModelSource.load(run.path)
        #expect(source.step == steps)
        let job = try SamplingJob(model: source.model, tables: try source.config.diffusion.noiseTables(),
                                  settings: SamplerSettings(kind: .ddim, steps: 5), seed: 1, batchSize: 4,
                                  provenance: [("checkpoint", source.weightsFile)])
        let images = job.run(count: 5)
        #expect(images.shape == [5, 1, 8, 8])
        let gridPath = scratch.file("grid.png")
        try job.writeGrid(images, nrow: 3, to: gridPath, overwrite: false)
        let grid = try PNGImage.read(from: gridPath)
        #expect((grid.width, grid.height, grid.channels) == (32, 22, 1))
        #expect(grid.textValue(forKey: "checkpoint") == source.weightsFile)
        #expect(grid.textValue(forKey: "images") == "5")
        #expect(grid.textValue(forKey: "sampler") == "ddim")
        // The tile at row 1, column 1 is image 4: its pixels are the image's bytes.
        let tile4 = PNGImage(chw: Array(images.scalars[(4 * 64)..<(5 * 64)]), channels: 1, height: 8, width: 8)
        for y in 0..<8 {
            let row = (12 + y) * 32 + 12
            #expect(Array(grid.pixels[row..<(row + 8)]) == Array(tile4.pixels[(y * 8)..<(y * 8 + 8)]))
        }
    }

    @Test func sameConfigAndSeedGiveBitwiseIdenticalWeights() throws {
        let scratch = try Scratch()
        // Dropout, flips and class-label drops all draw from the step's streams.
        var config = Tiny.config(seed: 5, classes: 2, dropout: 0.1, flip: true)
        config.training.steps = 4
        var finals: [[UInt32]] = []
        for (name, seed) in [("a", UInt64(5)), ("b", 5), ("c", 6)] {
            config.training.seed = seed
            let trainer = try Tiny.trainer(config, in: scratch, name: name)
            try trainer.runLoop(shouldStop: { false })
            finals.append(bits(trainer.state.parameters.values))
        }
        #expect(finals[0] == finals[1])
        #expect(finals[0] != finals[2], "a different seed must give different weights, or the comparison proves nothing")
    }

    /// Every batch after the first was gathered during the step before it, across epoch
    /// boundaries too (the next epoch's order is drawn one step early), and the run is the same
    /// as one resumed at every epoch boundary (a fresh trainer, so nothing was prefetched there).
    @Test func prefetchCrossesEpochBoundaries() throws {
        let scratch = try Scratch()
        var config = Tiny.config(seed: 3, flip: true)
        config.training.steps = 20   // 8 steps per epoch: two boundaries
        let trainer = try Tiny.trainer(config, in: scratch, name: "a")
        #expect(try trainer.runLoop(shouldStop: { false }) == .steps)
        #expect(trainer.state.progress.epoch == 2)
        #expect(trainer.prefetchMisses == 1)

        config.training.checkpointEvery = 8
        var run = try Tiny.trainer(config, in: scratch, name: "b")
        var misses = 0
        for stop in [8, 16] {
            let state = run.state
            try run.runLoop(shouldStop: { state.progress.step >= stop })
            misses += run.prefetchMisses
            let latest = try #require(try run.run.latestCheckpoint())
            let resumed = try TrainingState(resuming: try Checkpoint.read(from: latest), path: latest)
            run = try Trainer(state: resumed, run: run.run, train: Tiny.shapes(), validation: nil)
        }
        try run.runLoop(shouldStop: { false })
        #expect(misses + run.prefetchMisses == 3, "each fresh trainer gathers its first batch on the spot")
        #expect(bits(run.state.parameters.values) == bits(trainer.state.parameters.values))
    }

    /// Run A trains 2N steps straight; run B is interrupted after N, then a new state from its
    /// checkpoint finishes the run. Weights, EMA, Adam moments, progress and every logged value agree
    /// bit for bit. N = 6 stops inside the first epoch (8 steps) with validation every 3 steps;
    /// N = 8 stops on the epoch boundary, where per-epoch validation (validateEvery 0) runs after
    /// the step-8 checkpoint was already written.
    @Test(arguments: [(n: 6, validateEvery: 3), (n: 8, validateEvery: 0)])
    func resumedRunMatchesAnUninterruptedOne(n: Int, validateEvery: Int) throws {
        let scratch = try Scratch()
        var config = Tiny.config(seed: 11, classes: 2, dropout: 0.1, flip: true)
        config.training.steps = 2 * n
        config.training.checkpointEvery = 4
        config.training.validateEvery = validateEvery
        let validation = Tiny.shapes(count: 16)

        let a = try Tiny.trainer(config, in: scratch, name: "a", validation: validation)
        #expect(try a.runLoop(shouldStop: { false }) == .steps)

        let b = try Tiny.trainer(config, in: scratch, name: "b", validation: validation)
        let first = b.state
        #expect(try b.runLoop(shouldStop: { first.progress.step >= n }) == .interrupted)
        // The interrupted run left a checkpoint of its last completed step.
        let latest = try #require(try b.run.latestCheckpoint())
        #expect(try b.run.stepCheckpoints().last?.step == n)
        let saved = try Checkpoint.read(from: latest)
        #expect(saved.progress == first.checkpoint().progress)

        let resumed = try TrainingState(resuming: saved, path: latest)
        let b2 = try Trainer(state: resumed, run: b.run, train: Tiny.shapes(), validation: validation)
        b2.logEvery = 1
        #expect(try b2.runLoop(shouldStop: { false }) == .steps)

        #expect(bits(resumed.parameters.values) == bits(a.state.parameters.values))
        #expect(bits(resumed.ema.shadow) == bits(a.state.ema.shadow))
        #expect(bits(resumed.optimizer.m) == bits(a.state.optimizer.m))
        #expect(bits(resumed.optimizer.v) == bits(a.state.optimizer.v))
        #expect(resumed.checkpoint().progress == a.state.checkpoint().progress)
        #expect(resumed.ema.updates == a.state.ema.updates && resumed.optimizer.step == a.state.optimizer.step)

        // metrics.jsonl: the same lines apart from the timing column, each step once.
        func comparable(_ run: RunDirectory) throws -> [String] {
            try metricsLines(run).map { line in
                var l = line
                l["imagesPerSecond"] = nil
                return String(decoding: try JSONSerialization.data(withJSONObject: l, options: [.sortedKeys]), as: UTF8.self)
            }
        }
        let linesA = try comparable(a.run), linesB = try comparable(b.run)
        #expect(linesA == linesB)
        #expect(try trainLosses(b.run).map(\.step) == Array(1...(2 * n)))
        #expect(linesA.filter { $0.contains("validationLoss") }.count == (2 * n) / (validateEvery > 0 ? validateEvery : 8))
    }

    /// A resume in the middle of a metrics window (logEvery 4, stop after step 6) logs the same
    /// means as the straight run, and a cosine schedule keeps the length fixed when the run started
    /// even when the resumed run is given a different --steps.
    @Test func resumeKeepsTheLogWindowAndTheScheduleLength() throws {
        let scratch = try Scratch()
        var config = Tiny.config(seed: 5)
        config.training.steps = 12
        config.training.lrSchedule = .cosine
        config.training.warmupSteps = 2
        config.training.checkpointEvery = 100
        let a = try Tiny.trainer(config, in: scratch, name: "a", logEvery: 4)
        try a.runLoop(shouldStop: { false })
        #expect(a.state.config.training.scheduleSteps == 12)

        let b = try Tiny.trainer(config, in: scratch, name: "b", logEvery: 4)
        let first = b.state
        try b.runLoop(shouldStop: { first.progress.step >= 6 })
        var saved = try Checkpoint.read(from: try #require(try b.run.latestCheckpoint()))
        #expect(saved.progress.window.losses.count == 2)   // steps 5 and 6, not yet logged
        saved.config.training.steps = 20                     // as `--resume RUN --steps 20` would
        let resumed = try TrainingState(resuming: saved, path: try b.run.latestCheckpoint()!)
        let b2 = try Trainer(state: resumed, run: b.run, train: Tiny.shapes(), validation: nil)
        b2.logEvery = 4
        try b2.runLoop(shouldStop: { resumed.progress.step >= 12 })
        #expect(resumed.config.training.scheduleSteps == 12)
        #expect(bits(resumed.parameters.values) == bits(a.state.parameters.values))
        let la = try trainLosses(a.run), lb = try trainLosses(b.run)
        #expect(la.map(\.step) == [1, 4, 8, 12] && lb.map(\.step) == la.map(\.step))
        #expect(la.map(\.loss) == lb.map(\.loss))
    }

    /// The bar redraws by time, so the trainer reports after every step; metrics.jsonl still gets a
    /// line every `logEvery` steps (and at step 1). Epochs done count the current one's fraction.
    @Test func everyStepIsReportedWithEpochsDoneAndEveryLogEveryStepIsLogged() throws {
        let scratch = try Scratch()
        var config = Tiny.config()
        config.training.steps = 12
        let trainer = try Tiny.trainer(config, in: scratch, logEvery: 5)
        var reports: [StepReport] = []
        trainer.onEvent = { if case let .step(r) = $0 { reports.append(r) } }
        try trainer.runLoop(shouldStop: { false })
        #expect(reports.map(\.step) == Array(1...12))
        #expect(reports.filter(\.logged).map(\.step) == [1, 5, 10])
        // 64 images in batches of 8: 8 steps per epoch.
        #expect(reports.map(\.epochsDone) == (1...12).map { Double($0) / 8 }, "\(reports.map(\.epochsDone))")
        #expect(try metricsLines(trainer.run).compactMap { $0["loss"] == nil ? nil : $0["step"] as? Int } == [1, 5, 10])
    }

    /// Labels beyond the class table would crash the embedding lookup mid-run; they are rejected
    /// before any folder is created.
    @Test func labelsBeyondTheClassCountAreRejectedUpFront() {
        let config = Tiny.config(classes: 1)   // shapes() has labels 0 and 1
        let error = #expect(throws: ConfigError.self) { try Trainer.check(config, train: Tiny.shapes(), validation: nil) }
        #expect(error?.description.contains("--classes 1") == true, "\(String(describing: error))")
    }

    @Test func interruptedRunStopsAtTheRequestedStepWithACheckpoint() throws {
        let scratch = try Scratch()
        var config = Tiny.config()
        config.training.steps = 100
        config.training.checkpointEvery = 2
        let trainer = try Tiny.trainer(config, in: scratch)
        var asked = 0
        let reason = try trainer.runLoop(shouldStop: { asked += 1; return asked > 3 })
        #expect(reason == .interrupted)
        #expect(trainer.state.progress.step == 3)
        #expect(try trainer.run.stepCheckpoints().map(\.step) == [2, 3])
        #expect(try Checkpoint.read(from: trainer.run.checkpointPath(step: 3)).progress.step == 3)
    }

    @Test func batchLargerThanTheDatasetIsRejectedNamingTheFlag() throws {
        let scratch = try Scratch()
        var config = Tiny.config()
        config.training.batchSize = 65
        let error = #expect(throws: ConfigError.self) { try Tiny.trainer(config, in: scratch) }
        #expect(error?.description.contains("--batch-size 65") == true)
        #expect(error?.description.contains("64 training images") == true)
    }
}
