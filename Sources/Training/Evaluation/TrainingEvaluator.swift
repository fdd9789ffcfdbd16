// Feature-net FID and KID during training (`ddpm train --evaluate-every N --evaluate-n M`), as
// seeds 001 and 002 report FID per epoch: M samples from the EMA weights with 50 DDIM steps,
// scored against the first M test images.
import DataIO
import Diffusion
import Foundation
import Metrics
import NN
import TensorCore

/// What early stopping watches.
public enum EarlyStoppingMetric: String, CaseIterable, Codable, Sendable {
    case validationLoss = "validation-loss"
    /// Feature-net FID of the --evaluate-every samples (lower is better).
    case fid
}

public struct TrainingEvaluator {
    public let featureNet: FeatureNetFile
    /// Features of the first `count` test images.
    public let reference: ImageFeatures
    public let count: Int
    /// The classes the model was trained on (`--classes-subset`): the reference holds only test
    /// images of these, and a class-conditional model is sampled for these labels only.
    public var classSubset: [Int]? = nil
    /// DDIM steps per sample: a mid-training FID has to cost far less than the training between.
    public static let samplerSteps = 50
    /// KID subsets during training (fewer than a full evaluation's 100: it runs often).
    public static let kidSubsets = 10

    /// Loads the dataset's cached feature network and its test features (computing them once).
    /// `classes` restricts the reference to a `--classes-subset`; `purpose` names the flag that
    /// asked for the evaluation in errors.
    public static func load(dataset: DatasetKind, dataDir: String?, count: Int, classes: [Int]? = nil, cache: EvaluationCache,
                            purpose: String = "--evaluate-every", progress: (String) -> Void = { _ in }) throws -> TrainingEvaluator {
        let path = cache.featureNetPath(dataset)
        guard FileManager.default.fileExists(atPath: path) else {
            throw EvaluationError.invalid("\(purpose) needs the feature network of \(dataset.rawValue) (looked for \(path)); "
                                          + "train it once with `ddpm evaluate --train-feature-net --dataset \(dataset.rawValue)`")
        }
        let net = try FeatureNetFile.load(path)
        let c = net.net.config
        var test = try DatasetLocator(kind: dataset, dataDir: dataDir).load(.test, imageSize: c.imageSize, channels: c.channels)
        if let classes { test = test.selectingClasses(Set(classes)) }
        try net.checkFits(channels: test.channels, size: test.height)
        let which = classes.map { "test images of classes \($0.map(String.init).joined(separator: ","))" } ?? "test images"
        guard count <= test.count else {
            throw EvaluationError.invalid("--evaluate-n \(count) is larger than the \(test.count) \(which) of \(dataset.rawValue)")
        }
        let features = try RealDataFeatures.cachedFeatures(test, split: .test, dataset: dataset, featureNet: net, cache: cache, progress: progress)
        return TrainingEvaluator(featureNet: net, reference: features.prefix(count), count: count, classSubset: classes)
    }

    /// FID (feature-net) and KID of `count` samples from `model` (the caller swaps in EMA weights).
    public func score(model: UNet, tables: NoiseTables, seed: UInt64, batchSize: Int, classes: Int?) throws -> (fid: Double, kid: KIDEstimate) {
        let job = try SamplingJob(model: model, tables: tables, settings: SamplerSettings(kind: .ddim, steps: min(Self.samplerSteps, tables.timesteps)),
                                  seed: seed, batchSize: batchSize, classLabels: classes.map { classSubset ?? Array(0..<$0) }, provenance: [])
        var features = ImageFeatures.empty(dimension: featureNet.net.config.featureCount, classes: featureNet.net.config.classes)
        job.run(count: count) { _, batch in features.append(featureNet.net.extract(batch)) }
        let fid = try FrechetDistance.between(GaussianStatistics(features.features), GaussianStatistics(reference.features))
        let kid = KernelInceptionDistance.estimate(real: reference.features, generated: features.features, subsets: Self.kidSubsets, seed: seed)
        return (fid, kid)
    }
}
