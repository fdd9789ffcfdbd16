// `ddpm evaluate` as a library workflow: stream images (generated batch by batch, or read from a
// folder of PNGs) through the feature network (and Inception-v3 when given), then score them and
// N real held-out images (the floor) against the test split.
import DataIO
import Foundation
import Inception
import Metrics
import TensorCore

/// Features of the images being evaluated, accumulated batch by batch (images are not kept).
public final class ImageStreamFeatures {
    public private(set) var featureNet: ImageFeatures
    public private(set) var inception: FeatureMatrix?
    let net: FeatureNet
    let inceptionNet: InceptionV3?

    init(net: FeatureNet, inception: InceptionV3?) {
        self.net = net
        inceptionNet = inception
        featureNet = .empty(dimension: net.config.featureCount, classes: net.config.classes)
        self.inception = inception.map { _ in FeatureMatrix(count: 0, dimension: InceptionV3.featureCount, values: []) }
    }

    /// Adds a batch `[B, C, H, W]` in [-1, 1].
    public func add(_ batch: Tensor) {
        featureNet.append(net.extract(batch))
        if let inceptionNet, let current = inception {
            let f = inceptionNet.poolFeatures(images: batch)
            inception = FeatureMatrix(count: current.count + f.shape[0], dimension: current.dimension, values: current.values + f.scalars)
        }
    }

    public var count: Int { featureNet.count }
}

public struct EvaluationJob {
    public let real: RealDataFeatures
    public let featureNet: FeatureNetFile
    public let inception: InceptionV3?
    public let inceptionHash: String?
    public let cache: EvaluationCache
    /// N: images scored on each side.
    public let count: Int
    public var kidSubsets = KernelInceptionDistance.defaultSubsets
    public var kidSubsetSize = KernelInceptionDistance.defaultSubsetSize
    /// Seeds the KID subsets.
    public var seed: UInt64 = 0

    public init(real: RealDataFeatures, featureNet: FeatureNetFile, inception: InceptionV3?, cache: EvaluationCache, count: Int) throws {
        guard count >= 2 else { throw EvaluationError.invalid("--n must be at least 2 (a covariance needs two images); got \(count)") }
        guard count <= real.maximumCount else {
            throw EvaluationError.invalid("--n \(count) is larger than the real images available: \(real.dataset.rawValue) has "
                                          + "\(real.test.count) test and \(real.heldOut.count) held-out images (N of each are needed)")
        }
        self.real = real
        self.featureNet = featureNet
        self.inception = inception
        self.inceptionHash = try inception.map { try ContentHash.file($0.weightsPath) }
        self.cache = cache
        self.count = count
    }

    /// An empty accumulator for the images to evaluate.
    public func makeStream() -> ImageStreamFeatures { ImageStreamFeatures(net: featureNet.net, inception: inception) }

    /// Streams the PNGs of `folder` (first `count`, sorted by name) into `stream`.
    public func readSamples(from folder: String, into stream: ImageStreamFeatures, batchSize: Int, progress: (Int) -> Void) throws {
        let c = featureNet.net.config
        let images = try ImageFolder(directory: folder, imageSize: c.imageSize, channels: c.channels, limit: count)
        guard images.count >= count else {
            throw EvaluationError.invalid("--samples \(folder): \(images.count) PNG(s), fewer than --n \(count)")
        }
        // Decoded batch by batch: a folder of samples is never held whole.
        for start in stride(from: 0, to: count, by: batchSize) {
            let b = min(batchSize, count - start)
            let bytes = try images.decodeBytes(start..<(start + b)).bytes
            let batch = ImageSet(bytes: bytes, labels: [Int](repeating: 0, count: b), channels: c.channels, height: c.imageSize, width: c.imageSize)
            stream.add(Tensor(shape: [b, c.channels, c.imageSize, c.imageSize], values: batch.pixels))
            progress(start + b)
        }
    }

    /// Scores the streamed images and the floor, and assembles the report. Its wall time runs from
    /// `started` to the end, so it includes the real images' Inception features computed here.
    public func report(_ stream: ImageStreamFeatures, source: EvaluationReport.Source, nll: VariationalBoundEstimate?,
                       started: Date, progress: (String) -> Void = { _ in }) throws -> EvaluationReport {
        let reference = real.testFeatures.prefix(count), floorImages = real.heldOutFeatures.prefix(count)
        let training = real.trainingFeatures.features
        var samples = try QualityScores.compute(stream.featureNet.prefix(count), reference: reference, training: training,
                                                kidSubsets: kidSubsets, kidSubsetSize: kidSubsetSize, seed: seed)
        var floor = try QualityScores.compute(floorImages, reference: reference, training: training,
                                              kidSubsets: kidSubsets, kidSubsetSize: kidSubsetSize, seed: seed)
        var inceptionNetwork: EvaluationReport.Network?
        if let inception, let inceptionHash, let sampleFeatures = stream.inception {
            let ref = try realInceptionFeatures(real.test, .test, inception, inceptionHash, progress)
            let held = try realInceptionFeatures(real.heldOut, .validation, inception, inceptionHash, progress)
            samples.fidInception = try FrechetDistance.between(GaussianStatistics(sampleFeatures.prefix(count)), GaussianStatistics(ref))
            floor.fidInception = try FrechetDistance.between(GaussianStatistics(held), GaussianStatistics(ref))
            inceptionNetwork = EvaluationReport.Network(path: inception.weightsPath, hash: inceptionHash, testAccuracy: nil)
        }
        return EvaluationReport(dataset: real.dataset.rawValue, referenceSplit: DatasetSplit.test.rawValue, imageCount: count, source: source,
                                featureNet: .init(path: featureNet.path, hash: featureNet.hash, testAccuracy: featureNet.record.testAccuracy),
                                inception: inceptionNetwork, samples: samples, floor: floor, nll: nll,
                                wallSeconds: Date().timeIntervalSince(started))
    }

    /// Inception pool3 features of the first N images of a real split (cached per N: they cost
    /// about as much as the samples' own).
    func realInceptionFeatures(_ images: ImageSet, _ split: DatasetSplit, _ net: InceptionV3, _ hash: String,
                               _ progress: (String) -> Void) throws -> FeatureMatrix {
        let subset = images.subset(0..<count)
        let path = cache.featuresPath(dataset: real.dataset, split: split, networkHash: "inception" + hash,
                                      dataHash: EvaluationCache.dataHash(subset))
        if let cached = try cache.loadFeatures(path) { return cached.features }
        progress("computing Inception-v3 features of \(count) \(split.rawValue) images (cached in \(path))")
        let x = Tensor(shape: [count, subset.channels, subset.height, subset.width], values: subset.pixels)
        let f = net.poolFeatures(images: x)
        let features = ImageFeatures(features: FeatureMatrix(count: count, dimension: f.shape[1], values: f.scalars),
                                     probabilities: [Float](repeating: 1, count: count), classes: 1)
        try cache.saveFeatures(features, to: path)
        return features.features
    }
}

/// A request `evaluate` cannot satisfy, one line naming the flag.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String { switch self { case let .invalid(m): m } }
}
