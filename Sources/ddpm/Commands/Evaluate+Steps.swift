import DataIO
import Foundation
import Metrics
import Training

// The pieces of `ddpm evaluate` that talk to the user: progress bars and files.
extension DDPM.Evaluate {
    /// Generates N samples batch by batch into `stream` (keeping PNGs when asked); a class-conditional
    /// model is sampled for its trained `classes` (all when nil) in turn.
    func generate(_ source: ModelSource, classes: [Int]?, into stream: ImageStreamFeatures) throws -> EvaluationReport.Source {
        let job = try SamplingJob(model: source.model, tables: try source.config.diffusion.noiseTables(), settings: sampling.settings,
                                  seed: sampling.seed, batchSize: options.batchSize,
                                  classLabels: source.config.model.classes.map { classes ?? Array(0..<$0) },
                                  provenance: [("Software", "ddpm evaluate"), ("checkpoint", source.weightsFile),
                                               ("checkpoint-fnv1a64", source.weightsHash)])
        let bar = ProgressBar(label: "generate")
        let started = Date()
        try job.run(count: options.count, progress: { done, total in
            let elapsed = Date().timeIntervalSince(started)
            bar.update(done: done, total: total, unit: "step", rate: Double(done) / max(elapsed, 1e-9),
                       etaSeconds: elapsed / Double(max(done, 1)) * Double(total - done))
        }) { indices, batch in
            stream.add(batch)
            if let folder = options.keepSamples { try job.writeImages(batch, indices: indices, to: folder, overwrite: options.force) }
        }
        bar.finish()
        var s = EvaluationReport.Source(kind: "checkpoint")
        s.checkpoint = source.weightsFile
        s.checkpointHash = source.weightsHash
        s.checkpointStep = source.step
        s.sampler = sampling.sampler.rawValue
        s.steps = job.sampler.stepCount
        s.eta = sampling.sampler == .ddim ? sampling.eta : nil
        s.seed = sampling.seed
        return s
    }

    /// The NLL bound on the first --nll-images test images, its cost announced first.
    func estimateNLL(_ source: ModelSource, test: ImageSet) throws -> VariationalBoundEstimate {
        let tables = try source.config.diffusion.noiseTables()
        let n = min(options.nllImages, test.count), evaluations = n * tables.timesteps
        printError("NLL bound: \(n) test images × \(tables.timesteps) timesteps = \(evaluations) model evaluations "
                   + "(one full T-step pass per image, about as much as sampling \(n) images with \(tables.timesteps) steps)")
        let bar = ProgressBar(label: "nll")
        let started = Date()
        let estimate = VariationalBound(model: source.model, tables: tables, variance: sampling.settings.variance)
            .estimate(test.subset(0..<n), batchSize: options.batchSize, seed: sampling.seed) { done, total in
                let elapsed = Date().timeIntervalSince(started)
                bar.update(done: done, total: total, unit: "step", rate: nil, etaSeconds: elapsed / Double(max(done, 1)) * Double(total - done))
            }
        bar.finish()
        return estimate
    }

    /// Samples, reference (test) and held-out features as float32 .npy files.
    func writeFeatures(_ stream: ImageStreamFeatures, real: RealDataFeatures, count: Int, to path: String) throws {
        let stem = path.hasSuffix(".npy") ? String(path.dropLast(4)) : path
        let sets = [(path, stream.featureNet.features.prefix(count)), (stem + "-reference.npy", real.testFeatures.features.prefix(count)),
                    (stem + "-heldout.npy", real.heldOutFeatures.features.prefix(count))]
        for (file, f) in sets { try NPYArray(shape: [f.count, f.dimension], values: f.values).write(to: file) }
        print("wrote features to \(sets.map(\.0).joined(separator: ", "))")
    }

    /// `--train-feature-net`: trains, reports test accuracy, and caches the network.
    func trainFeatureNet(cache: EvaluationCache) throws {
        let dataset = options.dataset!
        let path = options.featureNet ?? cache.featureNetPath(dataset)
        if !options.force && FileManager.default.fileExists(atPath: path) {
            throw CLIError("\(path) already exists (a trained feature network); pass --force to retrain it")
        }
        let locator = try DatasetLocator(kind: dataset, dataDir: options.dataDir)
        let train = try locator.load(.train), test = try locator.load(.test)
        var settings = FeatureNetTrainingSettings()
        settings.epochs = options.featureNetEpochs
        let bar = ProgressBar(label: "feature-net")
        let started = Date()
        let (net, record) = FeatureNetTrainer.train(on: train, test: test, dataset: dataset.rawValue, settings: settings) { p in
            let elapsed = Date().timeIntervalSince(started)
            bar.update(done: p.step, total: p.totalSteps, unit: "step", rate: Double(p.step) / elapsed,
                       etaSeconds: elapsed / Double(p.step) * Double(p.totalSteps - p.step),
                       fields: String(format: "epoch %d loss %.4f acc %.3f", p.epoch, p.loss, p.accuracy))
        }
        bar.finish()
        let file = try FeatureNetFile.save(net, record: record, to: path)
        print(String(format: "feature network for %@: test accuracy %.2f%% on %d images, %.0f s; saved to %@ (fnv1a64 %@)",
                     dataset.rawValue, 100 * record.testAccuracy, record.testImages, record.trainingSeconds, path, file.hash))
    }
}
