// The feature-space score of inpainting (issue 8 point 6): how far the completions are, as a set,
// from the images they complete, in the feature network's space. Pixel MSE rewards a blurry
// average; this rewards completions that look like real images of the dataset.
import Foundation
import Metrics
import TensorCore

/// FID (feature-net) and KID between N·K completions and their N inputs (the originals, before
/// masking). A perfect completion is its original, so 0 is the best score; completions share
/// their known region with the references, so good ones score below two unrelated real sets.
public struct InpaintingFeatureScore: Sendable {
    public let fid: Double
    public let kid: KIDEstimate
    public let completions: Int
    public let originals: Int
    public let networkHash: String

    /// - Parameters:
    ///   - completions, originals: `[count, C, H, W]` in [-1, 1], flattened, `imageShape` = [C, H, W].
    ///   - seed: seeds the KID subsets (100 subsets of half the smaller set, so the spread is not 0).
    public init(featureNet: FeatureNetFile, completions: [Float], originals: [Float], imageShape: [Int], seed: UInt64) throws {
        let per = imageShape.reduce(1, *)
        let (m, n) = (completions.count / per, originals.count / per)
        guard m >= 2 && n >= 2 else {
            throw EvaluationError.invalid("the feature-space score needs at least 2 inputs and 2 completions (got \(n) and \(m))")
        }
        let generated = Self.features(featureNet.net, completions, imageShape: imageShape)
        let reference = Self.features(featureNet.net, originals, imageShape: imageShape)
        fid = try FrechetDistance.between(GaussianStatistics(generated), GaussianStatistics(reference))
        kid = KernelInceptionDistance.estimate(real: reference, generated: generated, subsetSize: max(2, min(m, n) / 2), seed: seed)
        self.completions = m
        self.originals = n
        networkHash = featureNet.hash
    }

    /// Feature-net features of flattened images, 250 at a time.
    static func features(_ net: FeatureNet, _ images: [Float], imageShape: [Int]) -> FeatureMatrix {
        let per = imageShape.reduce(1, *), count = images.count / per
        var out = ImageFeatures.empty(dimension: net.config.featureCount, classes: net.config.classes)
        for start in stride(from: 0, to: count, by: 250) {
            let b = min(250, count - start)
            out.append(net.extract(Tensor(shape: [b] + imageShape, values: Array(images[(start * per)..<((start + b) * per)]))))
        }
        return out.features
    }

    /// "feature space (feature-net 2115…): FID 75.70, KID -0.7349 ± 4.1327 (100 subsets of 50); 100 completions against their 100 inputs".
    public var description: String {
        String(format: "feature space (feature-net %@): FID %.2f, KID %.4f ± %.4f (%d subsets of %d); %d completions against their %d inputs",
               networkHash, fid, kid.mean, kid.standardDeviation, kid.subsets, kid.subsetSize, completions, originals)
    }
}
