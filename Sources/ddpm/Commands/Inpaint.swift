import ArgumentParser
import DataIO
import Diffusion
import Figures
import Foundation
import Metrics
import TensorCore
import Training

extension DDPM {
    struct Inpaint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill masked regions of images with RePaint (Lugmayr et al. 2022) on a trained model.",
            discussion: """
                Default inputs are the first --n test images of the dataset the checkpoint was trained on. The grid has one \
                row per input: the original, the masked input (grey = generated) and --n-per-image completions. \
                Default schedule: 250 respaced steps (or T if smaller), --jump-length 10, --resample 10. \
                The same --seed gives the same images for any --batch-size.
                """)

        @OptionGroup var model: CheckpointOptions
        @OptionGroup var sampling: SamplerOptions
        @OptionGroup var inputs: InpaintInputOptions
        @OptionGroup var masking: MaskOptions
        @OptionGroup var repaint: RePaintOptions

        @Option(help: ArgumentHelp("Completions per input.", valueName: "K")) var nPerImage = 4
        @Option(help: ArgumentHelp("The PNG grid to write.", valueName: "path")) var out = "inpaint.png"
        @Option(help: ArgumentHelp("Also write each completion as a PNG into this folder.", valueName: "dir")) var outDir: String?
        @OptionGroup var strip: TrajectoryOptions
        @Option(help: ArgumentHelp("Plot the visited timesteps (the jump schedule) to this PNG.", valueName: "path")) var schedulePlot: String?
        @Option(help: ArgumentHelp("Write each completion's masked-region MSE and PSNR against its input to this CSV.", valueName: "path"))
        var scores: String?
        @OptionGroup var classes: ClassGuidanceOptions
        private var classChoice: String? { classes.classChoice }
        private var guidance: Float? { classes.guidance }
        @Flag(help: "Also score the completions in feature space: FID (feature-net) and KID against their inputs (needs `ddpm evaluate --train-feature-net` once for the dataset).")
        var featureScore = false
        @Option(help: ArgumentHelp("Where --feature-score finds the feature network (as `ddpm evaluate --cache-dir`). (default: $DDPM_CACHE_DIR or ~/.cache/ddpm)", valueName: "dir"))
        var cacheDir: String?
        @Option(help: "Images denoised together.") var batchSize = 64
        @Flag(help: "Overwrite existing output files.") var force = false

        func validate() throws {
            guard nPerImage >= 1 else { throw ValidationError("--n-per-image must be at least 1 (got \(nPerImage)).") }
            guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1 (got \(batchSize)).") }
            try InputLimits.check("--batch-size", batchSize, atMost: InputLimits.maxBatchSize)
            try InputLimits.check("--n-per-image", nPerImage, atMost: InputLimits.maxGridImages, why: "every completion goes into the grid")
            if guidance != nil && classChoice == nil { throw ValidationError("--guidance needs --class: the class to guide the completions towards.") }
        }

        func run() throws {
            let trajectory = strip.trajectory
            let outputs = [("--out", out), ("--trajectory", trajectory), ("--schedule-plot", schedulePlot), ("--scores", scores),
                           ("--out-dir", outDir.map { $0 + InpaintingJob.completionFileName(input: 0, completion: 0) })]
            // Every output is checked before the model runs (FileSystem: one FileError line naming the flag).
            for case let (flag, path?) in outputs where flag != "--out-dir" || FileSystem.kind(of: outDir!).isFolder {
                try FileSystem.checkWritableFile(path, overwrite: force, flag: flag)
            }
            if let outDir { try FileSystem.checkCanCreate(folder: outDir, flag: "--out-dir") }
            let source = try model.resolve()
            let tables = try source.config.diffusion.noiseTables()
            let imageShape = [source.model.config.inChannels, source.model.config.sampleSize, source.model.config.sampleSize]
            let conditioning = try classConditioning(source)
            let images = try loadImages(source, imageShape: imageShape)
            let masks = try loadMasks(count: images.count, imageShape: imageShape)
            let scoringNet = featureScore ? try featureNetForScore(source, imageShape: imageShape) : nil   // before the slow part
            var settings = sampling.settings
            if settings.steps == nil { settings.steps = min(250, tables.timesteps) }
            let job = try InpaintingJob(
                model: source.model, tables: tables, settings: settings, jumpLength: repaint.jumpLength, resamplings: repaint.resamplings,
                inputs: InpaintingInputs(imageShape: imageShape, images: images.pixels, masks: masks, completionsPerInput: nPerImage),
                seed: sampling.seed, batchSize: batchSize, provenance: provenance(source, masks: masks) + conditioning.provenance)
            let schedule = job.policy.schedule
            printError("RePaint: \(schedule.steps) of T = \(tables.timesteps) steps, jump length \(schedule.jumpLength), "
                       + "U = \(schedule.resamplings): \(job.policy.modelEvaluations) model evaluations per image; "
                       + "\(images.count) inputs × \(nPerImage) completions = \(job.totalModelEvaluations) batched evaluations")
            // The recorder checks --trajectory-steps: before anything is written.
            let recorder = try strip.recorder(policy: job.policy, timesteps: job.policy.tables.timesteps, images: min(nPerImage, batchSize, 4))
            if let schedulePlot { try writeSchedulePlot(job.policy, to: schedulePlot) }

            let bar = ProgressBar(label: "inpaint")
            var completions: [Float] = []
            try job.run(model: conditioning.predictor, progress: { done, total in
                bar.update(done: done, total: total, unit: "eval", rate: nil, etaSeconds: nil)
            }, trajectory: trajectory == nil ? nil : recorder.record) { indices, batch in
                completions += batch.scalars
                if let outDir { try job.writeCompletions(batch, indices: indices, names: images.names, to: outDir, overwrite: force) }
            }
            bar.finish()
            try job.writeGrid(completions: completions, to: out, overwrite: force)
            print("wrote \(images.count) inputs × \(nPerImage) completions to \(out)")
            if let outDir { print("wrote \(completions.count / imageShape.reduce(1, *)) PNGs to \(outDir)/") }
            if let trajectory {
                var png = recorder.strip()
                png.text = job.provenance + [("figure", "rows: x_t and predicted x_0 of the first input's completions; columns: moves "
                                              + "of the jump schedule at t = " + recorder.shownTimesteps.map(String.init).joined(separator: ",")
                                              + " (grey x_0: a re-noising move)")]
                try png.write(to: trajectory, overwrite: force)
                print("wrote the trajectory strip to \(trajectory)")
            }
            let score = InpaintingScore(completions: completions, inputs: job.inputs)
            if !score.mse.isEmpty { print("against the inputs: \(score.description)") }
            if let scoringNet {
                let features = try InpaintingFeatureScore(featureNet: scoringNet, completions: completions, originals: job.inputs.images,
                                                          imageShape: imageShape, seed: sampling.seed)
                print("against the inputs: \(features.description)")
            }
            if let scores {
                try DurableFile.write(Array(score.csv(names: images.names, completionsPerInput: nPerImage).utf8), to: scores)
                print("wrote per-completion scores to \(scores)")
            }
        }

        /// `--class C [--guidance w]`: every completion guided towards C (nil predictor: the job's unguided null class).
        private func classConditioning(_ source: ModelSource) throws -> (predictor: NoisePredictor?, provenance: [(key: String, value: String)]) {
            guard let names = try ClassPlan.classNames(source, choice: classChoice, guidance: guidance), let classChoice else { return (nil, []) }
            let label = try ClassPlan.label(classChoice, in: names, orAll: false)
            let w = guidance ?? 0
            return (source.model.guidedNoisePredictor(weight: w, label: { _ in label }),
                    [("class", names.describe(label))] + ClassifierFreeGuidance.provenance(weight: w))
        }

        private func loadImages(_ source: ModelSource, imageShape: [Int]) throws -> InpaintingImages {
            if let input = inputs.input {
                return try InpaintingImages.files(input, imageShape: imageShape, resize: source.config.data.dataset == .folder)
            }
            let kind = inputs.dataset ?? source.config.data.dataset
            let dataDir = inputs.dataDir ?? (inputs.dataset == nil ? source.config.data.dataDir : nil)
            let indices = try inputs.parsedIndices() ?? Array(0..<inputs.count)
            return try InpaintingImages.dataset(kind, dataDir: dataDir, indices: indices, imageShape: imageShape) { set in
                try DataCompatibility.check(checkpoint: source.weightsFile, model: source.config.model,
                                            trainedOn: source.weightsKind == .exported ? nil : source.config.data.dataset,
                                            dataset: kind, images: set,
                                            dataSource: inputs.dataset.map { "--dataset \($0.rawValue)" } ?? "the checkpoint's dataset")
            }
        }

        /// `--feature-score`: the cached feature network of the inputs' dataset, checked against the image shape.
        private func featureNetForScore(_ source: ModelSource, imageShape: [Int]) throws -> FeatureNetFile {
            let dataset = inputs.dataset ?? source.config.data.dataset
            let path = EvaluationCache(directory: cacheDir).featureNetPath(dataset)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("--feature-score needs the feature network of \(dataset.rawValue) (looked for \(path)); train it once with "
                               + "`ddpm evaluate --train-feature-net --dataset \(dataset.rawValue)`")
            }
            let net = try FeatureNetFile.load(path)
            try net.checkFits(channels: imageShape[0], size: imageShape[1])
            return net
        }

        private func loadMasks(count: Int, imageShape: [Int]) throws -> [InpaintMask] {
            let (h, w) = (imageShape[1], imageShape[2])
            var masks: [InpaintMask]
            if let maskFile = masking.maskFile {
                let file = InpaintMask(height: h, width: w, keep: try MaskFile.read(from: maskFile, height: h, width: w))
                masks = Array(repeating: masking.invertMask ? file.inverted() : file, count: count)
            } else {
                if let problem = masking.spec.problem(height: h, width: w) { throw CLIError(problem) }
                masks = (0..<count).map { masking.spec.mask(height: h, width: w, input: $0, seed: sampling.seed) }
            }
            let what = masking.maskFile.map { "--mask-file \($0)" } ?? "--mask \(masking.mask.rawValue)"
            if masks.allSatisfy(\.keepsEverything) {
                throw CLIError("\(what)\(masking.invertMask ? " --invert-mask" : "") keeps every pixel: nothing to generate "
                               + "(white = keep, black = generate; --invert-mask swaps them)")
            }
            if masks.allSatisfy(\.generatesEverything) {
                printError("note: \(what)\(masking.invertMask ? " --invert-mask" : "") generates every pixel, so nothing is known: "
                           + "this is plain sampling (ddpm sample does the same faster)")
            }
            return masks
        }

        private func writeSchedulePlot(_ policy: RePaintPolicy, to path: String) throws {
            let t = policy.schedule.times.map { Double(policy.timestep(ofStepIndex: $0) + 1) }
            let s = policy.schedule
            let plot = LinePlot(title: "RePaint: S=\(s.steps) J=\(s.jumpLength) U=\(s.resamplings), \(s.modelEvaluations) evals",
                                xLabel: "move", yLabel: "t (0 = x_0)", series: [.init(name: "t", y: t)])
            var png = plot.rendered(width: 720, height: 400)
            png.text = [("Software", "ddpm inpaint"), ("command", CommandLine.arguments.joined(separator: " "))]
            try png.write(to: path, overwrite: force)
            print("wrote the schedule plot to \(path)")
        }

        private func provenance(_ source: ModelSource, masks: [InpaintMask]) -> [(key: String, value: String)] {
            var mask = masking.maskFile.map { "file " + $0 } ?? masking.mask.rawValue
            if masking.maskFile == nil && masking.mask == .center { mask += " size \(masking.maskSize ?? min(masks[0].height, masks[0].width) / 2)" }
            if masking.maskFile == nil && masking.mask == .randomPixels { mask += " keep \(masking.spec.keepFraction)" }
            if masking.invertMask { mask += " inverted" }
            return [("Software", "ddpm"), ("command", CommandLine.arguments.joined(separator: " ")),
                    ("checkpoint", source.weightsFile), ("checkpoint-fnv1a64", source.weightsHash),
                    ("checkpoint-step", source.step.map(String.init) ?? "-"),
                    ("schedule", source.config.diffusion.scheduleName), ("timesteps", String(source.config.diffusion.timesteps)),
                    ("beta-min", String(source.config.diffusion.betaMin)), ("beta-max", String(source.config.diffusion.betaMax)),
                    ("weights", source.weightsKind.rawValue), ("mask", mask)]
        }
    }
}
