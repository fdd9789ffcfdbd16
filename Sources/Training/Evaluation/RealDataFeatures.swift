// The real images an evaluation compares against, and their features (cached).
import DataIO
import Foundation
import Metrics
import TensorCore

/// The three real splits of a dataset with their feature-net features:
/// - `test`: the reference the samples are compared with;
/// - `heldOut`: the validation split (never trained on, not the reference), scored like samples
///   to give the real-data floor;
/// - `training`: the training split, for the memorization check.
public struct RealDataFeatures {
    public let dataset: DatasetKind
    public let test: ImageSet
    public let heldOut: ImageSet
    public let testFeatures: ImageFeatures
    public let heldOutFeatures: ImageFeatures
    public let trainingFeatures: ImageFeatures

    /// Loads the splits, checks they fit the network, and computes (or reads cached) features.
    /// `progress(message)` announces each split that has to be computed. `classes` keeps only the
    /// images of those classes in every split (a model trained with `--classes-subset`).
    public static func load(dataset: DatasetKind, dataDir: String?, classes: [Int]? = nil, featureNet: FeatureNetFile, cache: EvaluationCache,
                            progress: (String) -> Void = { _ in }) throws -> RealDataFeatures {
        let locator = try DatasetLocator(kind: dataset, dataDir: dataDir)
        let c = featureNet.net.config
        func split(_ s: DatasetSplit) throws -> ImageSet {
            let images = try locator.load(s, imageSize: c.imageSize, channels: c.channels)
            return classes.map { images.selectingClasses(Set($0)) } ?? images
        }
        let test = try split(.test), heldOut = try split(.validation), training = try split(.train)
        try featureNet.checkFits(channels: test.channels, size: test.height)
        func features(_ images: ImageSet, _ split: DatasetSplit) throws -> ImageFeatures {
            try cachedFeatures(images, split: split, dataset: dataset, featureNet: featureNet, cache: cache, progress: progress)
        }
        return RealDataFeatures(dataset: dataset, test: test, heldOut: heldOut, testFeatures: try features(test, .test),
                                heldOutFeatures: try features(heldOut, .validation), trainingFeatures: try features(training, .train))
    }

    /// The features of one split, read from the cache or computed and cached.
    static func cachedFeatures(_ images: ImageSet, split: DatasetSplit, dataset: DatasetKind, featureNet: FeatureNetFile,
                               cache: EvaluationCache, progress: (String) -> Void) throws -> ImageFeatures {
        let path = cache.featuresPath(dataset: dataset, split: split, networkHash: featureNet.hash, dataHash: EvaluationCache.dataHash(images))
        if let cached = try cache.loadFeatures(path), cached.count == images.count { return cached }
        progress("computing feature-net features of the \(images.count) \(split.rawValue) images (cached in \(path))")
        let f = featureNet.net.extract(images)
        try cache.saveFeatures(f, to: path)
        return f
    }

    /// The most images an evaluation can score against this data (reference and floor need N each).
    public var maximumCount: Int { min(test.count, heldOut.count) }
}
