// Every feature-net metric of one image set against the real reference, computed together so the
// samples and the real-data floor are always scored the same way.

/// The metrics of one set of images (samples, or real held-out images for the floor).
public struct QualityScores: Codable, Equatable, Sendable {
    /// Fréchet distance of the feature-net features ("FID (feature-net)"; never Inception FID).
    public var fidFeatureNet: Double
    public var kid: KIDEstimate
    /// Inception Score with the feature network as the classifier.
    public var inceptionScore: InceptionScoreEstimate
    public var precisionRecall: PrecisionRecall
    public var classHistogram: ClassHistogram
    /// Total-variation distance between this set's class mix and the reference's.
    public var classMixDistance: Double
    public var memorization: MemorizationCheck
    /// Fréchet distance of Inception-v3 pool3 features, when `--inception-weights` was given.
    public var fidInception: Double?

    /// Scores `images` against `reference` (both from the same feature network). `training` holds
    /// the training images' features for the memorization check; the reference serves as its
    /// held-out set.
    public static func compute(_ images: ImageFeatures, reference: ImageFeatures, training: FeatureMatrix,
                               kidSubsets: Int = KernelInceptionDistance.defaultSubsets,
                               kidSubsetSize: Int = KernelInceptionDistance.defaultSubsetSize,
                               inceptionSplits: Int = InceptionScore.defaultSplits, seed: UInt64 = 0) throws -> QualityScores {
        let fid = try FrechetDistance.between(GaussianStatistics(images.features), GaussianStatistics(reference.features))
        let histogram = ClassHistogram(probabilities: images.probabilitiesInDouble, classes: images.classes)
        let referenceHistogram = ClassHistogram(probabilities: reference.probabilitiesInDouble, classes: reference.classes)
        return QualityScores(
            fidFeatureNet: fid,
            kid: KernelInceptionDistance.estimate(real: reference.features, generated: images.features, subsets: kidSubsets,
                                                  subsetSize: kidSubsetSize, seed: seed),
            inceptionScore: InceptionScore.estimate(probabilities: images.probabilitiesInDouble, classes: images.classes,
                                                    splits: min(inceptionSplits, images.count)),
            precisionRecall: PrecisionRecall(real: reference.features, generated: images.features),
            classHistogram: histogram,
            classMixDistance: histogram.totalVariation(to: referenceHistogram),
            memorization: MemorizationCheck(samples: images.features, heldOut: reference.features, training: training),
            fidInception: nil)
    }
}
