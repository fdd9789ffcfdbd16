import ArgumentParser
import DataIO
import Foundation
import Training

extension DDPM {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a diffusion model.",
            discussion: """
                Writes a run folder (config.yaml, metrics.jsonl, loss.png, checkpoints/, samples/). Ctrl-C saves a \
                checkpoint and exits; `--resume RUN` continues exactly where it stopped.
                """)

        @OptionGroup var options: TrainOptions

        @Option(help: ArgumentHelp("Run folder (default: runs/DATASET-SCHEDULE-TIME).", valueName: "dir"))
        var runDir: String?

        @Option(help: ArgumentHelp("Continue the run in this folder from its latest checkpoint (default: start a new run).", valueName: "dir"))
        var resume: String?

        @Option(help: ArgumentHelp("Where --evaluate-every finds the feature network (as `ddpm evaluate --cache-dir`). (default: $DDPM_CACHE_DIR or ~/.cache/ddpm)", valueName: "dir"))
        var cacheDir: String?
        @Flag(help: "Replace the contents of an existing --run-dir. (default: off)")
        var force = false

        func validate() throws {
            if resume != nil && (runDir != nil || force) {
                throw ValidationError("--resume continues a run in place; it cannot be combined with --run-dir or --force.")
            }
            if resume != nil, let flag = options.settings.givenFlags.first(where: { !Self.dataFlags.contains($0) }) {
                throw ValidationError("--resume takes the model, data and optimizer settings from the checkpoint, so \(flag) cannot be given with it; only --steps, --epochs, --minutes, --validate-every, --validation-images, --early-stopping, --early-stopping-metric, --evaluate-every, --evaluate-n, --checkpoint-every, --keep-checkpoints and --sample-every may.")
            }
        }

        func run() throws {
            var (state, run, lock) = try prepare()
            defer { withExtendedLifetime(lock) {} }   // held until the run ends (the kernel drops it if the process dies)
            let data = try TrainingData.load(state.config)
            for warning in data.warnings { printError("warning: " + warning) }
            if let resume {
                try DataCompatibility.check(checkpoint: resume, model: state.config.model, trainedOn: state.config.data.dataset,
                                            dataset: state.config.data.dataset, images: data.train,
                                            dataSource: "--resume's data (\(state.config.data.dataDir ?? state.config.data.dataset.rawValue))")
            }
            try Trainer.check(state.config, train: data.train, validation: data.validation)
            // Before the run folder exists: a missing feature network must not leave an empty run behind.
            let evaluator = state.config.training.evaluateEvery > 0
                ? try TrainingEvaluator.load(dataset: state.config.data.dataset, dataDir: state.config.data.dataDir,
                                             count: state.config.training.evaluateCount, classes: state.config.data.classesSubset,
                                             cache: EvaluationCache(directory: cacheDir),
                                             progress: printError)
                : nil
            if resume == nil {
                lock = try RunLock(run: run)
                try run.createForNewRun(force: force)
            }
            let trainer = try Trainer(state: state, run: run, train: data.train, validation: data.validation)
            try FileSystem.write(try state.config.yaml(), to: run.configPath, overwrite: true)
            if let warning = state.tables.terminalSignalWarning { printError(warning) }
            let t = state.config.training
            let batch = t.gradAccumulation == 1 ? "batch \(t.batchSize)"
                : "effective batch \(t.effectiveBatchSize) = \(t.gradAccumulation) × \(t.batchSize) accumulated"
            printError("training \(state.model.parameterCount) parameters on \(data.train.count) images"
                       + " (\(data.validation?.count ?? 0) for validation), \(batch) → \(run.path)")
            if t.steps == nil && t.epochs == nil && t.minutes == nil {
                printError("no --steps, --epochs or --minutes: training runs until Ctrl-C"
                           + (t.earlyStopping.map { " or early stopping (patience \($0))" } ?? "")
                           + "; Ctrl-C saves a checkpoint and --resume continues")
            }
            let bar = ProgressBar(label: "train")
            trainer.onEvent = { event in TrainProgress.show(event, on: bar) }
            trainer.evaluator = evaluator
            StopSignal.install()
            let reason = try trainer.runLoop()
            bar.finish()
            print("stopped at step \(state.progress.step): \(reason.rawValue)")
            print("run folder:  \(run.path)")
            print("checkpoint:  \((try run.latestCheckpoint()) ?? "-")")
            if reason == .earlyStopping, let best = state.progress.bestStep {
                print("best:        \(run.bestCheckpointPath) (step \(best)); sample, evaluate, inpaint and export use it for --checkpoint \(run.path)")
            }
            print("loss curve:  \(run.lossCurvePath)")
            print("sample with: ddpm sample --checkpoint \(run.path) --n 64 --out \(run.path)/samples.png")
            let status = ExitStatus.forStop(reason, signal: StopSignal.signal)
            if status != .finished { throw ExitCode(status.rawValue) }
        }

        /// With --resume, --dataset and --image-size may only repeat what the checkpoint was trained on;
        /// anything else is a mismatch that names both sides (the other run settings are refused outright).
        static let dataFlags: Set = ["--dataset", "--image-size"]

        private func checkDataFlags(against checkpoint: Checkpoint, path: String) throws {
            let given = options.settings.patches.filter { Self.dataFlags.contains($0.flag) }
            guard !given.isEmpty else { return }
            var requested = checkpoint.config
            for patch in given { try patch.apply(&requested) }
            let source = [options.settings.dataset.map { "--dataset \($0.rawValue)" }, options.settings.imageSize.map { "--image-size \($0)" }]
                .compactMap { $0 }.joined(separator: " ")
            try DataCompatibility.check(checkpoint: path, model: checkpoint.config.model, trainedOn: checkpoint.config.data.dataset,
                                        dataset: requested.data.dataset, channels: requested.model.channels,
                                        imageSize: requested.model.imageSize, dataSource: source)
        }

        /// A fresh state in a new run folder, or the resumed state of an existing one.
        private func prepare() throws -> (TrainingState, RunDirectory, RunLock?) {
            if let resume {
                let run = RunDirectory(path: resume)
                guard FileSystem.kind(of: run.path).isFolder else { throw RunDirectoryError.noCheckpoint(resume) }
                let lock = try RunLock(run: run)   // before anything in the folder is touched
                // A kill during a checkpoint write leaves a temporary file; the next resume removes it.
                for leftover in run.removeLeftoverTemporaries() { printError("removed \(leftover), left by an interrupted checkpoint write") }
                guard let latest = try run.latestCheckpoint() else { throw RunDirectoryError.noCheckpoint(resume) }
                var checkpoint = try Checkpoint.read(from: latest)
                try checkDataFlags(against: checkpoint, path: latest)
                checkpoint.config = try options.resuming(checkpoint.config)
                return (try TrainingState(resuming: checkpoint, path: latest), run, lock)
            }
            let config = try options.resolved()
            let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
            let run = RunDirectory(path: runDir ?? "runs/\(config.data.dataset.rawValue)-\(config.diffusion.scheduleName)-\(stamp)")
            try run.checkAvailableForNewRun(force: force)  // created once the data has loaded
            if !force, try run.holdsNoCheckpointYet() {
                printError("\(run.path) holds no checkpoint (a run stopped before its first one): starting it again from step 0")
            }
            return (try TrainingState(config: config), run, nil)
        }
    }
}

/// Renders training events on the progress bar.
enum TrainProgress {
    static func show(_ event: TrainingEvent, on bar: ProgressBar) {
        switch event {
        case let .step(r):
            bar.update(done: r.step, total: r.totalSteps, unit: "img", rate: r.imagesPerSecond, etaSeconds: r.etaSeconds,
                       fields: String(format: "epochs %.2f loss %.4f lr %.2e |g| %.2f", r.epochsDone, r.loss, r.learningRate, r.gradientNorm))
        case let .validation(step, loss, improved):
            bar.message(String(format: "step %d: validation loss %.5f%@", step, loss, improved ? " (best so far)" : ""))
        case let .evaluation(step, fid, kid, improved):
            bar.message(String(format: "step %d: FID (feature-net) %.3f, KID %.5f%@", step, fid, kid, improved ? " (best so far)" : ""))
        case let .checkpoint(step, path):
            bar.message("step \(step): checkpoint \(path)")
        case let .samples(step, path):
            bar.message("step \(step): preview \(path)")
        case let .finished(reason, step):
            bar.message("step \(step): \(reason.rawValue)")
        }
    }
}
