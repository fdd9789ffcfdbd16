import ArgumentParser
import DataIO
import Diffusion
import Foundation
import Training
import Tuning

extension DDPM {
    struct Tune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search training settings (e.g. T, beta-min, beta-max) by Bayesian optimization.",
            discussion: """
                Each trial is an ordinary run folder in STUDY/trials/, trained for --minutes-per-trial with every other \
                flag fixed. The study is an append-only journal (STUDY/journal.jsonl): `ddpm tune --resume STUDY` continues \
                it after a crash, and several such processes (on machines sharing the filesystem) can work on one study \
                at once. `ddpm tune --report STUDY` prints the trials, the best parameters, a CSV and plots.
                """)

        @OptionGroup var options: TrainOptions
        @OptionGroup var tune: TuneOptions

        @Option(help: ArgumentHelp("Continue the study in this folder (or every study under it).", valueName: "dir")) var resume: String?
        @Option(help: ArgumentHelp("Print the study's report and write its CSV and plots (STUDY/report.*).", valueName: "dir")) var report: String?
        @Option(help: ArgumentHelp("Where --objective fid finds the feature network (as `ddpm evaluate --cache-dir`). (default: $DDPM_CACHE_DIR or ~/.cache/ddpm)", valueName: "dir"))
        var cacheDir: String?

        func validate() throws {
            if resume != nil && report != nil { throw ValidationError("--resume and --report are separate uses of ddpm tune; give one.") }
            if resume != nil || report != nil {
                guard tune.searches.isEmpty, options.settings.givenFlags.isEmpty, options.bounds.patches.isEmpty, tune.study == nil,
                      tune.schedules == nil else {
                    throw ValidationError("--resume and --report take every setting from the study's journal; give only --max-trials with --resume.")
                }
                return
            }
            if options.bounds.minutes != nil { throw ValidationError("--minutes: each trial's budget is --minutes-per-trial.") }
            if tune.trials < 1 { throw ValidationError("--trials must be at least 1 (got \(tune.trials)).") }
            if !(tune.minutesPerTrial > 0) { throw ValidationError("--minutes-per-trial must be positive (got \(tune.minutesPerTrial)).") }
            if let s = tune.startupTrials, s < 1 { throw ValidationError("--startup-trials must be at least 1 (got \(s)).") }
            if let m = tune.maxTrials, m < 1 { throw ValidationError("--max-trials must be at least 1 (got \(m)).") }
            if tune.schedules != nil && options.settings.schedule != nil { throw ValidationError("--schedules runs one study per schedule; drop --schedule.") }
            if tune.objective == .fid, let n = options.bounds.evaluateCount, n < 2 { throw ValidationError("--evaluate-n must be at least 2 (got \(n)).") }
        }

        func run() throws {
            if let report { return try printReport(report) }
            let evaluators = TrialEvaluators(cacheDir: cacheDir)
            let folders = try resume.map(Self.studyFolders) ?? createStudies(evaluators)
            if resume != nil { printError("resuming \(folders.count == 1 ? "study \(folders[0])" : "\(folders.count) studies under \(resume!)")") }
            try runStudies(folders, evaluators: evaluators)
            try printReport(resume ?? studyRoot)
        }

        // MARK: - Creating

        var studyRoot: String {
            if let study = tune.study { return study }
            let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
            return "runs/tune-\((options.settings.dataset ?? .fashionMNIST).rawValue)-\(stamp)"
        }

        /// One study, or one per --schedules entry in subfolders named after the schedules.
        private func createStudies(_ evaluators: TrialEvaluators) throws -> [String] {
            let space: SearchSpace
            do { space = try SearchSpace(parsing: tune.searches) } catch { throw CLIError("\(error)") }
            let root = studyRoot
            var labels: [(label: String, schedule: BetaSchedule?)] = []
            if let list = tune.schedules {
                for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    guard let s = BetaSchedule(rawValue: name) else {
                        throw CLIError("--schedules \(list): unknown schedule '\(name)'; expected some of \(BetaSchedule.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    labels.append((name, s))
                }
                guard labels.count >= 1, Set(labels.map(\.label)).count == labels.count else { throw CLIError("--schedules \(list): expected distinct schedules separated by commas, e.g. linear,log") }
                if space.names.contains(where: { ["schedule", "diffusion.schedule"].contains($0) }) {
                    throw CLIError("--schedules and --search schedule=… both set the schedule; give one.")
                }
            } else {
                labels = [((options.settings.schedule ?? .linear).rawValue, nil)]
            }
            warnAboutObjective(space)
            let pruneOnValidationLoss = tune.prune && !prunerComparesIncomparableLosses(space)
            let occupied = try tune.schedules != nil && !Self.isEmptyOrMissing(root)
            if FileManager.default.fileExists(atPath: Study.journalPath(root)) || occupied {
                throw CLIError("--study \(root) already holds a study; pass --resume \(root) to continue it or choose another --study")
            }
            var prepared: [(String, StudySettings)] = []
            for (label, schedule) in labels {
                var config = try options.resolved()
                if let schedule { config.diffusion.schedule = schedule }
                if options.bounds.validateEvery == nil && config.training.validateEvery == 0 { config.training.validateEvery = 100 }
                config.training.minutes = tune.minutesPerTrial
                do { try config.validate() } catch { throw CLIError("\(error)") }
                // Before the study exists: a missing feature network is found now, not after the first trial's training.
                if tune.objective == .fid { _ = try evaluators.evaluator(for: config, count: options.bounds.evaluateCount ?? Self.defaultEvaluateImages) }
                let base = try config.yaml()
                do { try ConfigOverride.validate(space, base: base) } catch { throw CLIError("\(error)") }
                let startup = tune.startupTrials ?? (tune.sampler == .tpe ? 10 : 5)
                let settings = StudySettings(space: space, sampler: tune.sampler, objective: tune.objective, trials: tune.trials,
                                             minutesPerTrial: tune.minutesPerTrial, startupTrials: startup,
                                             pruner: pruneOnValidationLoss ? MedianPruner(startupTrials: tune.pruneStartupTrials, warmupSteps: tune.pruneWarmupSteps) : nil,
                                             seed: tune.studySeed, baseConfig: base,
                                             evaluateImages: tune.objective == .fid ? (options.bounds.evaluateCount ?? Self.defaultEvaluateImages) : nil, label: label)
                prepared.append((tune.schedules == nil ? root : root + "/" + label, settings))
            }
            for (path, settings) in prepared {
                do { _ = try Study.create(path: path, settings: settings) } catch { throw CLIError("\(error)") }
                printError("study \(path): \(settings.trials) trials of \(settings.minutesPerTrial) min, sampler \(settings.sampler.rawValue), objective \(settings.objective.rawValue)")
            }
            return prepared.map(\.0)
        }

        static let defaultEvaluateImages = 2000
        /// The median rule compares the trials' intermediate validation losses; with the fid objective
        /// and T or the schedule searched those losses are not comparable (see warnAboutObjective),
        /// so the pruner would stop trials for the wrong reason.
        private func prunerComparesIncomparableLosses(_ space: SearchSpace) -> Bool {
            guard tune.prune, tune.objective == .fid else { return false }
            let searched = space.names.filter(Self.lossIncomparableSettings.contains)
            guard !searched.isEmpty else { return false }
            printError("note: no pruning: the median rule compares validation losses, which are not comparable across "
                       + searched.joined(separator: ", ") + "; every trial trains for its full budget and is scored by FID")
            return true
        }

        static let lossIncomparableSettings = ["timesteps", "diffusion.timesteps", "schedule", "diffusion.schedule", "loss", "diffusion.loss",
                                               "log-scale", "diffusion.logScale"]

        /// ε-MSE depends on how the schedule and T weight the noise levels: a lower loss under
        /// another T or schedule is not a better model (seed 000's 0.003 for log vs 0.015 for linear).
        private func warnAboutObjective(_ space: SearchSpace) {
            guard tune.objective == .valLoss else { return }
            let searched = space.names.filter(Self.lossIncomparableSettings.contains)
            guard !searched.isEmpty || tune.schedules != nil else { return }
            let what = (searched + (tune.schedules != nil ? ["--schedules"] : [])).joined(separator: ", ")
            printError("warning: --objective val-loss compares the epsilon-MSE across \(what), but that loss depends on how T and the schedule "
                       + "weight the noise levels, so a lower value is not a better model; prefer a schedule-independent objective: "
                       + "--objective fid --evaluate-n 2000")
        }

        static func isEmptyOrMissing(_ path: String) throws -> Bool { try !FileSystem.kind(of: path).exists || FileSystem.contents(of: path).isEmpty }

        /// STUDY itself when it holds a journal, else its subfolders that do (a --schedules study).
        static func studyFolders(_ path: String) throws -> [String] {
            if FileManager.default.fileExists(atPath: Study.journalPath(path)) { return [path] }
            guard FileSystem.kind(of: path).isFolder else { throw CLIError("\(path): no study here (no such folder)") }
            let subfolders = try FileSystem.contents(of: path).sorted()
                .map { path + "/" + $0 }.filter { FileManager.default.fileExists(atPath: Study.journalPath($0)) }
            guard !subfolders.isEmpty else { throw CLIError("\(path): no study here (expected \(Study.journalPath(path)) or subfolders holding one)") }
            return subfolders
        }

        // MARK: - Running

        /// Runs trials round-robin over the studies (one per schedule) until none needs more.
        private func runStudies(_ folders: [String], evaluators: TrialEvaluators) throws {
            var workers = folders.map { StudyWorker(study: Study(path: $0)) }
            let bar = ProgressBar(label: "train")
            for w in workers {
                let settings: StudySettings
                do { settings = try w.study.state().settings } catch { throw CLIError("\(error)") }
                w.onEvent = { Self.show($0, study: w.study, on: bar) }
                if settings.objective == .fid {
                    let count = settings.evaluateImages ?? Self.defaultEvaluateImages
                    w.scorer = { run, state in
                        let evaluator = try evaluators.evaluator(for: state.config, count: count)
                        bar.message("scoring \(run.path): FID (feature-net) of \(count) samples, \(TrainingEvaluator.samplerSteps) DDIM steps each")
                        let c = state.config
                        return try state.withEMAWeights {
                            try evaluator.score(model: state.model, tables: state.tables, seed: c.training.seed,
                                                batchSize: c.training.batchSize, classes: c.model.classes).fid
                        }
                    }
                }
            }
            StopSignal.install()
            var ran = 0
            while !workers.isEmpty, ran < (tune.maxTrials ?? .max), !StopSignal.isRequested {
                var still: [StudyWorker] = []
                for w in workers where ran < (tune.maxTrials ?? .max) && !StopSignal.isRequested {
                    let n: Int
                    do { n = try w.run(maxTrials: 1) } catch { throw CLIError("\(error)") }
                    ran += n
                    if n > 0 { still.append(w) }
                }
                workers = still
            }
            bar.finish()
            if StopSignal.isRequested { printError("interrupted: the running trial is recorded as lost; `ddpm tune --resume` continues") }
        }

        /// Feature networks and test features for the fid objective, loaded once per dataset for all
        /// trials of this process.
        final class TrialEvaluators {
            private var loaded: [String: TrainingEvaluator] = [:]
            let cache: EvaluationCache
            init(cacheDir: String?) { cache = EvaluationCache(directory: cacheDir) }

            func evaluator(for config: TrainConfig, count: Int) throws -> TrainingEvaluator {
                let dataset = config.data.dataset
                let key = "\(dataset.rawValue)|\(config.data.dataDir ?? "")|\(count)|\(config.data.classesSubset ?? [])"
                if let e = loaded[key] { return e }
                let e: TrainingEvaluator
                do {
                    e = try TrainingEvaluator.load(dataset: dataset, dataDir: config.data.dataDir, count: count, classes: config.data.classesSubset,
                                                   cache: cache, purpose: "--objective fid", progress: printError)
                } catch { throw CLIError("\(error)") }
                loaded[key] = e
                return e
            }
        }

        static func show(_ event: TrialEvent, study: Study, on bar: ProgressBar) {
            let name = URL(fileURLWithPath: study.path).lastPathComponent
            switch event {
            case let .started(n, values, path):
                bar.message("\(name) trial \(n): " + values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + " → \(path)")
            case let .training(_, e):
                if case .step = e { TrainProgress.show(e, on: bar) } else if case .validation = e { TrainProgress.show(e, on: bar) }
            case let .pruned(n, step):
                bar.message("\(name) trial \(n): pruned at step \(step) (worse than the median of complete trials)")
            case let .finished(n, o):
                let value = o.value.map { String(format: " %.6g", $0) } ?? ""
                bar.message("\(name) trial \(n): \(o.state.rawValue)\(value) in \(String(format: "%.1f", o.wallSeconds / 60)) min" + (o.message.map { " (\($0))" } ?? ""))
            }
        }

        // MARK: - Reporting

        private func printReport(_ path: String) throws {
            let folders = try Self.studyFolders(path)
            var reports: [StudyReport] = []
            for folder in folders {
                let state: StudyState
                do { state = try Study(path: folder).state() } catch { throw CLIError("\(error)") }
                let r = StudyReport(state: state)
                reports.append(r)
                print("## \(folder) (\(state.settings.label), \(r.dataset), sampler \(state.settings.sampler.rawValue))\n")
                print(r.table + "\n")
                print(r.summary)
                print(r.bestLine)
                try FileSystem.write(r.csv, to: folder + "/report.csv", overwrite: true)
                try StudyPlots.objectivePlot(state).write(to: folder + "/report-objective.png", overwrite: true)
                try StudyPlots.parameterPanels(state).write(to: folder + "/report-parameters.png", overwrite: true)
                print("csv: \(folder)/report.csv  plots: \(folder)/report-objective.png \(folder)/report-parameters.png\n")
            }
            if reports.count > 1 {
                print("## side by side (seed 000, Tables 1–2)\n")
                print(StudyReport.sideBySide(reports))
            }
        }
    }
}
