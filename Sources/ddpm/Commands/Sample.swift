import ArgumentParser
import DataIO
import Foundation
import TensorCore
import Training

extension DDPM {
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate images from a trained model.",
            discussion: """
                The same --seed gives the same images on the same machine and thread count, for any --batch-size.

                Class-conditional models (ddpm train --class-conditional): --class picks the class, --guidance w \
                sets classifier-free guidance in seed 002's convention (Ho & Salimans 2022), \
                eps = (1 + w)·eps(x, c) − w·eps(x, ∅). w = 0 is the plain conditional model; diffusers and Stable \
                Diffusion tools call 1 + w the guidance_scale (their 3.0 is --guidance 2).
                """)

        @OptionGroup var model: CheckpointOptions
        @OptionGroup var sampling: SamplerOptions

        @Option(name: .customLong("n"), help: "Number of images (with --class all: per class, default 8; otherwise default 64).")
        var count: Int?
        @Option(help: ArgumentHelp("The PNG grid to write (default grid.png; at most \(InputLimits.maxGridImages) images: with --images-dir and a larger --n no grid is written).", valueName: "path"))
        var out: String?
        @Option(help: "Images per grid row (default: a square-ish grid).") var nrow: Int?
        @Option(help: "Images denoised together.") var batchSize = 64
        @Option(help: ArgumentHelp("Also write each image as a PNG into this folder.", valueName: "dir")) var imagesDir: String?
        @OptionGroup var strip: TrajectoryOptions
        @OptionGroup var classes: ClassGuidanceOptions
        private var classChoice: String? { classes.classChoice }
        private var guidance: Float? { classes.guidance }
        @Flag(help: "Overwrite existing output files.") var force = false

        func validate() throws {
            if let count, count < 1 { throw ValidationError("--n must be at least 1 (got \(count)).") }
            if classChoice == "all" && nrow != nil { throw ValidationError("--nrow cannot be combined with --class all (one row per class, --n images each).") }
            guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1 (got \(batchSize)).") }
            if let nrow, nrow < 1 { throw ValidationError("--nrow must be at least 1 (got \(nrow)).") }
            try InputLimits.check("--batch-size", batchSize, atMost: InputLimits.maxBatchSize)
            if out != nil || imagesDir == nil {
                try InputLimits.check("--n", count ?? 64, atMost: InputLimits.maxGridImages,
                                      why: "a grid PNG holds at most \(InputLimits.maxGridImages) images; pass --images-dir DIR (and no --out) to write one PNG per image")
            }
        }

        /// The grid to write: --out, else grid.png unless --images-dir takes more images than a grid holds.
        private func gridPath(images: Int) -> String? {
            if let out { return out }
            return imagesDir != nil && images > InputLimits.maxGridImages ? nil : "grid.png"
        }

        func run() throws {
            // Every output is checked before the model runs: a long sampling run never ends in "folder missing".
            if let gridPath = gridPath(images: count ?? 64) { try FileSystem.checkWritableFile(gridPath, overwrite: force, flag: "--out") }
            let trajectory = strip.trajectory
            if let trajectory { try FileSystem.checkWritableFile(trajectory, overwrite: force, flag: "--trajectory") }
            if let imagesDir {
                try FileSystem.checkCanCreate(folder: imagesDir, flag: "--images-dir")
                if FileSystem.kind(of: imagesDir).isFolder {
                    try FileSystem.checkWritableFile(imagesDir + "/00000.png", overwrite: force, flag: "--images-dir")
                }
            }
            let source = try model.resolve()
            let plan = try ClassPlan(choice: classChoice, guidance: guidance, source: source, count: count)
            let count = plan.imageCount, gridPath = gridPath(images: count)
            try InputLimits.checkSampling(count: count, batchSize: batchSize, model: source.config.model,
                                          gridImages: gridPath == nil ? nil : count, nrow: plan.perRow ?? nrow)
            let tables = try source.config.diffusion.noiseTables()
            let job = try SamplingJob(model: source.model, tables: tables, settings: sampling.settings, seed: sampling.seed,
                                      batchSize: batchSize, classLabels: plan.labels, guidance: guidance ?? 0, classNames: plan.names,
                                      provenance: provenance(source) + plan.provenance)
            // The recorder checks --trajectory-steps: before anything is created.
            let recorder = try strip.recorder(policy: job.sampler.policy, timesteps: tables.timesteps, images: min(4, count, batchSize))
            if let imagesDir { try FileSystem.createFolder(imagesDir) }
            let bar = ProgressBar(label: "sample")
            // Batches stream to --images-dir and are dropped; only a grid keeps them (at most maxGridImages).
            var gridBatches: [Tensor] = []
            var written = 0
            do {
                try job.run(count: count, progress: { done, total in
                    bar.update(done: done, total: total, unit: "step", rate: nil, etaSeconds: nil, fields: "")
                }, trajectory: trajectory == nil ? nil : recorder.record) { indices, batch in
                    if gridPath != nil { gridBatches.append(batch) }
                    if let imagesDir {
                        try job.writeImages(batch, indices: indices, to: imagesDir, overwrite: force)
                        written = indices.upperBound
                    }
                }
            } catch let error as FileError where written > 0 {
                // The PNGs already written are complete files, but the set is not: say so.
                throw FileError(path: error.path, operation: error.operation, problem: error.problem,
                                advice: [error.advice, "only images 0…\(written - 1) of \(count) were written to \(imagesDir ?? "")"]
                                    .compactMap { $0 }.joined(separator: "; "), code: error.code)
            }
            bar.finish()
            if let gridPath {
                try job.writeGrid(Tensor.concatenate(gridBatches, axis: 0),
                                  nrow: plan.perRow ?? nrow ?? Int(Double(count).squareRoot().rounded(.up)), rowLabels: plan.rowLabels,
                                  to: gridPath, overwrite: force)
                print("wrote \(count) images to \(gridPath)")
            }
            if let imagesDir { print("wrote \(count) PNGs to \(imagesDir)/") }
            if let trajectory {
                var png = recorder.strip()
                png.text = job.provenance + [("figure", "rows: x_t and predicted x_0 per sample; columns: t = "
                                              + recorder.shownTimesteps.map(String.init).joined(separator: ","))]
                try png.write(to: trajectory, overwrite: force)
                print("wrote the reverse-process strip to \(trajectory)")
            }
        }

        private func provenance(_ source: ModelSource) -> [(key: String, value: String)] {
            [("Software", "ddpm"), ("command", CommandLine.arguments.joined(separator: " ")),
             ("checkpoint", source.weightsFile), ("checkpoint-fnv1a64", source.weightsHash),
             ("checkpoint-step", source.step.map(String.init) ?? "-"),
             ("schedule", source.config.diffusion.scheduleName), ("timesteps", String(source.config.diffusion.timesteps)),
             ("beta-min", String(source.config.diffusion.betaMin)), ("beta-max", String(source.config.diffusion.betaMax)),
             ("weights", source.weightsKind.rawValue)]
        }
    }
}
