import DataIO
import Diffusion
import Figures
import Foundation
import NN
import TensorCore

/// The training loop (Ho et al. Algorithm 1) with validation, early stopping, checkpoints,
/// preview grids and a metrics log. It reports through `onEvent` and never prints.
///
/// Determinism: the epoch order comes from `RandomGenerator(seed, stream: RandomStreams.epoch(epoch))`
/// and each step's draws (t, ε, flips, label drops, dropout masks) from streams keyed by the step
/// number (`RandomStreams`), so the same config on the same machine and thread count gives bitwise-identical
/// weights, and a resumed run continues exactly where an uninterrupted one would be.
public final class Trainer {
    public let state: TrainingState
    public let run: RunDirectory
    public let train: ImageSet
    public let validation: ImageSet?
    public var onEvent: (TrainingEvent) -> Void = { _ in }
    /// Scores samples every `evaluateEvery` steps (set by the caller; needed when that is > 0).
    public var evaluator: TrainingEvaluator?
    /// Steps between metrics-log lines (progress is reported after every step).
    public var logEvery = 25

    private let objective: TrainingObjective
    private let prefetcher: BatchPrefetcher
    /// Batches not ready from the prefetcher when the step needed them (tests: only the first).
    var prefetchMisses: Int { prefetcher.misses }
    private let metrics: MetricsLog
    private var settings: TrainingSettings { state.config.training }
    private let schedule: LRScheduleSettings
    /// The progress last written to a step checkpoint (nil: none written by this trainer yet).
    private var savedProgress: TrainingProgress?


    public init(state: TrainingState, run: RunDirectory, train: ImageSet, validation: ImageSet?) throws {
        let c = state.config
        try Self.check(c, train: train, validation: validation)
        self.state = state
        self.run = run
        self.train = train
        self.validation = validation
        objective = TrainingObjective(tables: state.tables, loss: c.diffusion.loss)
        prefetcher = BatchPrefetcher(images: train)
        metrics = try MetricsLog(path: run.metricsPath, upToStep: state.progress.step)
        // The schedule's length is fixed when the run starts and stored with it; a resumed run
        // keeps the curve even when its --steps changes. Runs bounded only by --minutes use 10k.
        if state.config.training.scheduleSteps == nil {
            state.config.training.scheduleSteps = Self.plannedSteps(c.training, stepsPerEpoch: train.count / c.training.effectiveBatchSize) ?? 10_000
        }
        schedule = LRScheduleSettings(kind: c.training.lrSchedule, peak: c.training.learningRate, warmupSteps: c.training.warmupSteps,
                                      totalSteps: max(1, state.config.training.scheduleSteps!))
    }

    /// Problems with `config` on this data, found before any folder or file is created.
    public static func check(_ c: TrainConfig, train: ImageSet, validation: ImageSet?) throws {
        guard train.channels == c.model.channels, train.height == c.model.imageSize, train.width == c.model.imageSize else {
            throw ConfigError.invalid("data: images are \(train.channels)×\(train.height)×\(train.width) but the model expects "
                                      + "\(c.model.channels)×\(c.model.imageSize)×\(c.model.imageSize) (set model.channels / model.imageSize)")
        }
        guard train.count >= c.training.batchSize else {
            throw ConfigError.invalid("--batch-size \(c.training.batchSize) is larger than the \(train.count) training images")
        }
        guard train.count >= c.training.effectiveBatchSize else {
            throw ConfigError.invalid("--batch-size \(c.training.batchSize) × --grad-accumulation \(c.training.gradAccumulation) = "
                                      + "\(c.training.effectiveBatchSize) images per step is more than the \(train.count) training images")
        }
        if let classes = c.model.classes {
            let largest = max(train.labels.max() ?? 0, validation?.labels.max() ?? 0)
            guard largest < classes else {
                throw ConfigError.invalid("--classes \(classes): the data has labels up to \(largest); expected at least \(largest + 1) classes")
            }
        }
    }

    public var stepsPerEpoch: Int { train.count / settings.effectiveBatchSize }

    /// The run's total steps when bounded by --steps or --epochs (the smaller), else nil.
    static func plannedSteps(_ t: TrainingSettings, stepsPerEpoch: Int) -> Int? {
        // Saturating: --epochs 10^18 means "no epoch bound", not an overflow trap.
        let byEpochs = t.epochs.map { e in e.multipliedReportingOverflow(by: stepsPerEpoch).overflow ? Int.max : e * stepsPerEpoch }
        switch (t.steps, byEpochs) {
        case let (s?, e?): return min(s, e)
        case let (s?, nil): return s
        case let (nil, e?): return e
        case (nil, nil): return nil
        }
    }

    // MARK: - The loop

    /// Trains until a bound is reached, early stopping triggers, or `shouldStop()` turns true.
    /// Always leaves a checkpoint of the last completed step.
    @discardableResult
    public func runLoop(shouldStop: () -> Bool = { StopSignal.isRequested }) throws -> StopReason {
        let start = monotonicSeconds()
        var windowStart = start
        // A window restored from a checkpoint holds steps done before this invocation; they count
        // for the logged loss but not for the throughput measured from `windowStart`.
        var stepsBefore = state.progress.window.losses.count, imagesBefore = state.progress.window.images
        var lastGradNorm: Float = 0
        var permutation = epochPermutation(state.progress.epoch)
        var nextPermutation: [Int]?   // made one step early, so the prefetch crosses the epoch boundary
        let total = Self.plannedSteps(settings, stepsPerEpoch: stepsPerEpoch)

        func stopReason() -> StopReason? {
            if let s = settings.steps, state.progress.step >= s { return .steps }
            if let e = settings.epochs, state.progress.epoch >= e { return .epochs }
            if let m = settings.minutes, monotonicSeconds() - start >= m * 60 { return .minutes }
            if shouldStop() { return .interrupted }
            return nil
        }

        while true {
            if state.progress.batchInEpoch >= stepsPerEpoch {
                state.progress.epoch += 1
                state.progress.batchInEpoch = 0
                permutation = nextPermutation ?? epochPermutation(state.progress.epoch)
                nextPermutation = nil
                if settings.validateEvery == 0, try validateAndMaybeStop() { return try finish(.earlyStopping) }
            }
            if let reason = stopReason() { return try finish(reason) }

            // 1. The batch: this epoch's next slice of the permutation, all micro-batches at once
            //    (effective batch b = batchSize × gradAccumulation).
            //    Gathered in the background during the previous step; the next one starts now.
            let step = state.progress.step
            let b = settings.effectiveBatchSize
            let (plan, generator) = batchPlan(step: step, batchInEpoch: state.progress.batchInEpoch, permutation: permutation)
            let x0 = Tensor(shape: [b, train.channels, train.height, train.width], values: prefetcher.batch(plan))
            if state.progress.batchInEpoch + 1 < stepsPerEpoch {
                prefetcher.prefetch(batchPlan(step: step + 1, batchInEpoch: state.progress.batchInEpoch + 1, permutation: permutation).plan)
            } else {
                let upcoming = epochPermutation(state.progress.epoch + 1)
                nextPermutation = upcoming
                prefetcher.prefetch(batchPlan(step: step + 1, batchInEpoch: 0, permutation: upcoming).plan)
            }

            // 2. Loss, gradients (summed over the micro-batches), clipping, AdamW, EMA.
            let (lossValue, perImage, draw) = try stepGradients(x0: x0, indices: plan.indices, generator: generator, step: step)
            lastGradNorm = clipGradientNorm(state.parameters, maxNorm: settings.gradClip)
            let lr = schedule.learningRate(at: step)
            state.optimizer.update(learningRate: lr, beta1: schedule.momentum(at: step))
            state.ema.update(from: state.parameters)
            state.parameters.zeroGradients()
            state.progress.step += 1
            state.progress.batchInEpoch += 1

            // 3. Bookkeeping: loss per quarter of the timestep range, throughput. The window lives in
            //    the progress (and so in checkpoints): a resumed run logs the same means.
            var w = state.progress.window
            w.losses.append(lossValue)
            w.images += b
            for (i, l) in zip(draw.indices, perImage) {
                let q = min(3, 4 * i / state.tables.timesteps)
                w.quarterSums[q] += Double(l)
                w.quarterCounts[q] += 1
            }
            state.progress.window = w
            let now = state.progress.step
            // Every step reports (the CLI redraws its bar about once a second); every `logEvery`
            // steps the window's means also go to metrics.jsonl and the window starts again.
            let logged = now % logEvery == 0 || now == 1
            let elapsed = monotonicSeconds() - windowStart
            let mean = w.losses.reduce(0, +) / Double(w.losses.count)
            let rate = Double(w.images - imagesBefore) / elapsed, secondsPerStep = elapsed / Double(max(1, w.losses.count - stepsBefore))
            if logged {
                let quarters = (0..<4).map { q in w.quarterCounts[q] > 0 ? w.quarterSums[q] / Double(w.quarterCounts[q]) : nil }
                try metrics.append(MetricsRecord(step: now, epoch: state.progress.epoch, loss: mean, lr: Double(lr),
                                                 gradNorm: Double(lastGradNorm), imagesPerSecond: rate, quarterLosses: quarters))
            }
            let budget = settings.minutes.map { $0 * 60 - (monotonicSeconds() - start) }
            onEvent(.step(StepReport(step: now, epoch: state.progress.epoch,
                                     epochsDone: Double(state.progress.epoch) + Double(state.progress.batchInEpoch) / Double(stepsPerEpoch),
                                     loss: mean, learningRate: lr, gradientNorm: lastGradNorm,
                                     imagesPerSecond: rate, secondsPerStep: secondsPerStep,
                                     totalSteps: total, secondsLeftInBudget: budget, logged: logged)))
            if logged {
                stepsBefore = 0
                imagesBefore = 0
                windowStart = monotonicSeconds()
                state.progress.window = LogWindow()
            }
            if settings.validateEvery > 0 && now % settings.validateEvery == 0, try validateAndMaybeStop() {
                return try finish(.earlyStopping)
            }
            if settings.evaluateEvery > 0 && now % settings.evaluateEvery == 0, try evaluateAndMaybeStop() {
                return try finish(.earlyStopping)
            }
            if settings.checkpointEvery > 0 && now % settings.checkpointEvery == 0 { try saveCheckpoint() }
            if settings.sampleEvery > 0 && now % settings.sampleEvery == 0 { try writePreview() }
        }
    }

    /// Step `step`'s draws (labels, then t and ε, from `generator`; dropout from its own stream), its
    /// mean loss and per-image losses, with the gradient added into the parameters' gradients.
    private func stepGradients(x0: Tensor, indices: [Int], generator: RandomGenerator,
                               step: Int) throws -> (loss: Double, perImage: [Float], draw: TrainingObjective.Draw) {
        var rng = generator
        let labels = classLabels(for: indices, using: &rng)
        let draw = objective.draw(batch: x0.shape[0], shape: x0.shape, using: &rng)
        var context = ForwardContext(training: true, generator: RandomGenerator(seed: settings.seed, stream: RandomStreams.dropout(step: step)))
        let (loss, perImage) = try accumulateGradients(x0: x0, draw: draw, labels: labels, context: &context, step: step)
        return (loss, perImage, draw)
    }

    /// Step `step` of the first epoch's loss, its gradient left in `state.parameters.gradients`
    /// (zero them first): what `runLoop` computes before clipping and the optimizer, for tests.
    func firstEpochStepGradients(step: Int) throws -> Double {
        let (plan, generator) = batchPlan(step: step, batchInEpoch: step, permutation: epochPermutation(0))
        let x0 = Tensor(shape: [plan.indices.count, train.channels, train.height, train.width], values: prefetcher.batch(plan))
        return try stepGradients(x0: x0, indices: plan.indices, generator: generator, step: step).loss
    }

    /// The mean loss over the effective batch and its gradient, as `gradAccumulation` micro-batches
    /// of `batchSize` images, each micro-batch's mean loss scaled by 1/K before `backward` adds it
    /// into the gradients. With equal micro-batches Σ_k (1/K)·mean_k = the mean over all b images,
    /// so the gradient is that of one batch of b (up to summation order; dropout masks differ).
    private func accumulateGradients(x0: Tensor, draw: TrainingObjective.Draw, labels: [Int]?, context: inout ForwardContext,
                                     step: Int) throws -> (loss: Double, perImage: [Float]) {
        let (m, k) = (settings.batchSize, settings.gradAccumulation)
        var total = 0.0, perImage: [Float] = []
        for part in 0..<k {
            let rows = (part * m)..<((part + 1) * m)
            let micro = k == 1 ? x0 : x0.slice(axis: 0, rows)
            let microDraw = k == 1 ? draw : TrainingObjective.Draw(indices: Array(draw.indices[rows]), noise: draw.noise.slice(axis: 0, rows))
            let microLabels = labels.map { k == 1 ? $0 : Array($0[rows]) }
            let (loss, images) = objective.evaluate(x0: micro, draw: microDraw) { x, t in
                state.model(x, timesteps: t, classLabels: microLabels, context: &context)
            }
            let value = Double(loss.item())
            guard value.isFinite else { throw TrainingError.diverged(step: step, loss: value, settings: state.config, learningRate: schedule.learningRate(at: step)) }
            (k == 1 ? loss : loss * (1 / Float(k))).backward()
            total += value / Double(k)
            perImage += images
        }
        return (total, perImage)
    }

    private func finish(_ reason: StopReason) throws -> StopReason {
        // Compare the whole progress, not the step: a checkpoint of this step written before an
        // epoch boundary lacks the epoch roll and that epoch's validation, and resuming from it
        // would validate (and log) the same step twice.
        if savedProgress != state.progress { try saveCheckpoint() }
        try writeLossCurve()
        onEvent(.finished(reason: reason, step: state.progress.step))
        return reason
    }

    // MARK: - Pieces

    /// Step `step`'s images and flips, and its generator positioned after the flips (the step draws
    /// its labels and noise from it next). A pure function of (seed, step, permutation), so the
    /// prefetcher can plan a step ahead.
    private func batchPlan(step: Int, batchInEpoch: Int, permutation: [Int]) -> (plan: BatchPrefetcher.Plan, generator: RandomGenerator) {
        let b = settings.effectiveBatchSize
        var rng = RandomGenerator(seed: settings.seed, stream: RandomStreams.step(step))
        let flips = state.config.data.flip ? (0..<b).map { _ in rng.nextFloat() < 0.5 } : nil
        return (BatchPrefetcher.Plan(indices: Array(permutation[(batchInEpoch * b)..<((batchInEpoch + 1) * b)]), flips: flips), rng)
    }

    /// A fixed shuffle of the training set for `epoch`.
    private func epochPermutation(_ epoch: Int) -> [Int] {
        var g = RandomGenerator(seed: settings.seed, stream: RandomStreams.epoch(epoch))
        return Array(0..<train.count).shuffled(using: &g)
    }

    /// Labels for a class-conditional model; each is replaced by the "no class" index with
    /// probability classDropout (classifier-free guidance training, Ho & Salimans 2022).
    private func classLabels(for indices: [Int], using rng: inout RandomGenerator) -> [Int]? {
        guard let null = state.config.model.unetConfig.nullClassLabel else { return nil }
        return Self.droppingLabels(train.gatherLabels(indices: indices), to: null, probability: settings.classDropout, using: &rng)
    }

    /// Each label replaced by `null` with probability p_uncond: one uniform draw per label from the
    /// step's stream (drawn even when p is 0 or 1, so the stream's later draws never shift).
    static func droppingLabels(_ labels: [Int], to null: Int, probability: Float, using rng: inout RandomGenerator) -> [Int] {
        labels.map { rng.nextFloat() < probability ? null : $0 }
    }

    /// Mean loss over the first `validationImages` validation images with draws that are the same
    /// at every validation, so successive values are comparable.
    public func validationLoss() -> Double? {
        guard let validation, validation.count > 0 else { return nil }
        let n = min(settings.validationImages, validation.count), b = settings.batchSize
        var total = 0.0
        var context = ForwardContext.inference
        for start in stride(from: 0, to: n, by: b) {
            let idx = Array(start..<min(n, start + b))
            var rng = RandomGenerator(seed: settings.seed, stream: RandomStreams.validation(start: start))
            let x0 = Tensor(shape: [idx.count, validation.channels, validation.height, validation.width], values: validation.gather(indices: idx))
            let labels = state.config.model.classes.map { _ in validation.gatherLabels(indices: idx) }
            let draw = objective.draw(batch: idx.count, shape: x0.shape, using: &rng)
            let l = withoutGrad {
                objective.evaluate(x0: x0, draw: draw) { x, t in state.model(x, timesteps: t, classLabels: labels, context: &context) }.loss
            }
            total += Double(l.item()) * Double(idx.count)
        }
        return total / Double(n)
    }

    /// Runs validation; returns true when early stopping (watching the validation loss) should end the run.
    private func validateAndMaybeStop() throws -> Bool {
        guard let loss = validationLoss() else { return false }
        let step = state.progress.step
        let watched = settings.earlyStoppingMetric == .validationLoss
        let improved = state.progress.bestValidationLoss.map { loss < $0 } ?? true
        if improved { state.progress.bestValidationLoss = loss }
        let stop = watched ? try noteWatchedMetric(improved: improved) : false   // writes best.safetensors before the event
        try metrics.append(MetricsRecord(step: step, epoch: state.progress.epoch, validationLoss: loss))
        onEvent(.validation(step: step, loss: loss, improved: improved))
        try writeLossCurve()
        return stop
    }

    /// Feature-net FID and KID of EMA samples; returns true when early stopping (watching FID)
    /// should end the run.
    private func evaluateAndMaybeStop() throws -> Bool {
        guard let evaluator else {
            throw ConfigError.invalid("--evaluate-every is set but no feature network was loaded for this run")
        }
        let c = state.config
        let (fid, kid) = try state.withEMAWeights {
            try evaluator.score(model: state.model, tables: state.tables, seed: settings.seed, batchSize: settings.batchSize, classes: c.model.classes)
        }
        let step = state.progress.step
        let improved = state.progress.bestFID.map { fid < $0 } ?? true
        if improved { state.progress.bestFID = fid }
        let stop = settings.earlyStoppingMetric == .fid ? try noteWatchedMetric(improved: improved) : false
        var record = MetricsRecord(step: step, epoch: state.progress.epoch)
        record.fidFeatureNet = fid
        record.kid = kid.mean
        try metrics.append(record)
        onEvent(.evaluation(step: step, fid: fid, kid: kid.mean, improved: improved))
        try writeLossCurve()
        return stop
    }

    /// Early stopping's bookkeeping for the watched metric: keeps `best.safetensors` at its best
    /// step and counts the checks since; true when the patience has run out.
    private func noteWatchedMetric(improved: Bool) throws -> Bool {
        if improved {
            state.progress.bestStep = state.progress.step
            state.progress.validationsWithoutImprovement = 0
            try state.checkpoint().write(to: run.bestCheckpointPath)
        } else {
            state.progress.validationsWithoutImprovement += 1
        }
        if let patience = settings.earlyStopping { return state.progress.validationsWithoutImprovement >= patience }
        return false
    }

    public func saveCheckpoint() throws {
        let path = run.checkpointPath(step: state.progress.step)
        try state.checkpoint().write(to: path)
        savedProgress = state.progress
        try run.prune(keep: settings.keepCheckpoints)
        onEvent(.checkpoint(step: state.progress.step, path: path))
    }

    /// A preview grid from the EMA weights with 50 DDIM steps (full ancestral sampling would
    /// cost T model evaluations in the middle of training; `ddpm sample` does the real thing).
    private func writePreview() throws {
        // The classes it trains on (a --classes-subset's, else all), in turn.
        let classes = state.config.model.classes.map { c in
            let trained = state.config.data.classesSubset ?? Array(0..<c)
            return (0..<settings.sampleCount).map { trained[$0 % trained.count] }
        }
        let job = try SamplingJob(model: state.model, tables: state.tables, settings: SamplerSettings(kind: .ddim, steps: min(50, state.tables.timesteps)),
                                  seed: settings.seed, batchSize: settings.batchSize, classLabels: classes,
                                  provenance: [("source", "ddpm train preview"), ("step", String(state.progress.step)),
                                               ("schedule", state.config.diffusion.scheduleName)])
        let images = state.withEMAWeights { job.run(count: settings.sampleCount) }
        let path = run.samplePath(step: state.progress.step)
        try job.writeGrid(images, nrow: Int(Double(settings.sampleCount).squareRoot().rounded(.up)), to: path, overwrite: true)
        onEvent(.samples(step: state.progress.step, path: path))
    }

    private func writeLossCurve() throws {
        guard !metrics.trainLoss.isEmpty else { return }
        var series = [LinePlot.Series(name: "train", x: metrics.trainLoss.map { Double($0.step) }, y: metrics.trainLoss.map(\.value))]
        if !metrics.validationLoss.isEmpty {
            series.append(.init(name: "validation", x: metrics.validationLoss.map { Double($0.step) }, y: metrics.validationLoss.map(\.value)))
        }
        let plot = LinePlot(title: "loss (\(state.config.diffusion.loss.rawValue))", xLabel: "step", yLabel: "loss", logScaleY: true, series: series)
        try plot.rendered().write(to: run.lossCurvePath, overwrite: true)
        guard !metrics.fidFeatureNet.isEmpty else { return }
        // FID has its own scale, so it gets its own figure beside loss.png.
        let fid = LinePlot(title: "FID (feature-net), \(settings.evaluateCount) samples", xLabel: "step", yLabel: "FID", logScaleY: true,
                           series: [.init(name: "FID (feature-net)", x: metrics.fidFeatureNet.map { Double($0.step) }, y: metrics.fidFeatureNet.map(\.value))])
        try fid.rendered().write(to: run.fidCurvePath, overwrite: true)
    }
}
