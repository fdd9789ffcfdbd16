import ArgumentParser
import DataIO
import Foundation
import Inception
import Metrics
import Training

extension DDPM {
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a model: FID (feature-net), KID, IS, precision/recall, mode coverage, memorization, next to the real-data floor.",
            discussion: """
                Generates --n samples (or reads --samples DIR) and compares them with the test split of the dataset. \
                The feature network is trained once per dataset by `ddpm evaluate --train-feature-net --dataset D`. \
                FID (feature-net) is not Inception FID; --inception-weights adds the standard one.
                """)

        @OptionGroup var model: CheckpointOptions
        @OptionGroup var sampling: SamplerOptions
        @OptionGroup var options: EvaluateOptions

        func run() throws {
            let started = Date()
            let cache = EvaluationCache(directory: options.cacheDir)
            if options.trainFeatureNet { return try trainFeatureNet(cache: cache) }
            try checkOutputsAreFree()
            let source = options.samples == nil ? try model.resolve() : nil
            let dataset = options.dataset ?? source!.config.data.dataset
            let dataDir = options.dataDir ?? (options.dataset == nil ? source?.config.data.dataDir : nil)
            if let source {   // before anything slow: the model must make the dataset's images
                let test = try DatasetLocator(kind: dataset, dataDir: dataDir).load(.test, imageSize: source.config.model.imageSize,
                                                                                     channels: source.config.model.channels)
                try DataCompatibility.check(checkpoint: source.weightsFile, model: source.config.model,
                                            trainedOn: source.weightsKind == .exported ? nil : source.config.data.dataset,
                                            dataset: dataset, images: test,
                                            dataSource: options.dataset.map { "--dataset \($0.rawValue)" } ?? "the checkpoint's dataset")
            }
            let net = try featureNet(cache: cache, dataset: dataset)
            let inception = try inceptionNetwork()
            // A model trained on some classes is compared with real images of those classes.
            let subset = options.dataset == nil ? source?.config.data.classesSubset : nil
            if let subset {
                printError("the model was trained on classes \(subset.map(String.init).joined(separator: ",")) (--classes-subset): "
                           + "real images of those classes only")
            }
            let real = try RealDataFeatures.load(dataset: dataset, dataDir: dataDir, classes: subset, featureNet: net, cache: cache,
                                                 progress: printError)
            var job = try EvaluationJob(real: real, featureNet: net, inception: inception, cache: cache, count: options.count)
            job.kidSubsets = options.kidSubsets
            job.kidSubsetSize = options.kidSubsetSize
            let stream = job.makeStream()
            var reportSource = EvaluationReport.Source(kind: "samples")
            var nll: VariationalBoundEstimate?
            if let folder = options.samples {
                let bar = ProgressBar(label: "read")
                try job.readSamples(from: folder, into: stream, batchSize: options.batchSize) { bar.update(done: $0, total: options.count, unit: "img", rate: nil, etaSeconds: nil) }
                bar.finish()
                reportSource.samplesDirectory = folder
            } else if let source {
                reportSource = try generate(source, classes: subset, into: stream)
                if options.nll { nll = try estimateNLL(source, test: real.test) }
            }
            let report = try job.report(stream, source: reportSource, nll: nll, started: started, progress: printError)
            print(report.table())
            try DurableFile.write(Array(try report.json()), to: options.report)
            print("wrote the report to \(options.report)")
            if let out = options.featuresOut { try writeFeatures(stream, real: real, count: options.count, to: out) }
        }

        func checkOutputsAreFree() throws {
            let outputs = [("--report", options.report), ("--features-out", options.featuresOut),
                           ("--keep-samples", options.keepSamples.map { $0 + "/00000.png" })]
            for case let (flag, path?) in outputs where !options.force && FileManager.default.fileExists(atPath: path) {
                throw CLIError("\(flag) \(path) already exists; pass --force to overwrite it")
            }
        }

        func featureNet(cache: EvaluationCache, dataset: DatasetKind) throws -> FeatureNetFile {
            let path = options.featureNet ?? cache.featureNetPath(dataset)
            guard FileManager.default.fileExists(atPath: path) else {
                if options.featureNet != nil { throw CLIError("--feature-net \(path): no such file") }
                throw CLIError("no feature network for \(dataset.rawValue) yet (looked for \(path)); train it once with "
                               + "`ddpm evaluate --train-feature-net --dataset \(dataset.rawValue)` (a few CPU minutes)")
            }
            return try FeatureNetFile.load(path)
        }

        func inceptionNetwork() throws -> InceptionV3? {
            guard let path = options.inceptionWeights else { return nil }
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("--inception-weights \(path): no such file; \(InceptionV3.howToGetWeights)")
            }
            return try InceptionV3(weightsAt: path)
        }
    }
}
