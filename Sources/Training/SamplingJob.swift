import DataIO
import Figures
import Diffusion
import Foundation
import NN
import TensorCore

/// Draws images from a model with a sampling policy, streaming finished batches to disk: a PNG
/// grid and/or one PNG per image, each PNG carrying its provenance in text chunks.
public struct SamplingJob {
    public let model: UNet
    public let tables: NoiseTables
    public let sampler: Sampler
    public let seed: UInt64
    public let batchSize: Int
    /// Class per image for a class-conditional model (nil: unconditional); image k gets
    /// `classLabels[k % count]`.
    public let classLabels: [Int]?
    /// Classifier-free guidance weight w (seed 002's convention, `ClassifierFreeGuidance`); 0 is
    /// the plain conditional model. Only used with `classLabels`.
    public let guidance: Float
    /// Names for the labels, written into each image's provenance.
    public let classNames: ClassNames?
    /// Provenance written into every PNG (command, checkpoint hash, schedule, ...).
    public let provenance: [(key: String, value: String)]

    public init(model: UNet, tables: NoiseTables, settings: SamplerSettings, seed: UInt64, batchSize: Int,
                classLabels: [Int]? = nil, guidance: Float = 0, classNames: ClassNames? = nil,
                provenance: [(key: String, value: String)]) throws {
        self.model = model
        self.tables = tables
        self.sampler = try Sampler(tables: tables, settings: settings)
        self.seed = seed
        self.batchSize = batchSize
        self.classLabels = classLabels
        self.guidance = guidance
        self.classNames = classNames
        let guided = classLabels == nil ? [] : ClassifierFreeGuidance.provenance(weight: guidance)
        self.provenance = provenance + guided + [("seed", String(seed)), ("sampler", settings.kind.rawValue),
                                        ("steps", String(sampler.stepCount)),
                                        ("eta", settings.kind == .ddim ? String(settings.eta) : "-"),
                                        ("variance", settings.kind == .ddpm ? settings.variance.rawValue : "-"),
                                        ("spacing", settings.spacing.rawValue),
                                        ("clip-denoised", String(settings.clipDenoised))]
    }

    public var imageShape: [Int] { [model.config.inChannels, model.config.sampleSize, model.config.sampleSize] }

    public var driver: SamplingDriver { SamplingDriver(imageShape: imageShape, seed: seed, batchSize: batchSize) }

    /// Samples `count` images and hands each finished batch (`[B, C, H, W]` in [-1, 1]) to `output`.
    public func run(count: Int, progress: ((Int, Int) -> Void)? = nil,
                    trajectory: ((SamplingDriver.TrajectoryPoint) -> Void)? = nil,
                    output: (_ images: Range<Int>, _ batch: Tensor) throws -> Void) rethrows {
        try driver.run(count: count, policy: sampler.policy, model: noisePredictor(), progress: progress,
                       trajectory: trajectory, output: output)
    }

    /// Samples `count` images `[count, C, H, W]` in [-1, 1], all at once.
    public func run(count: Int) -> Tensor {
        driver.sampleAll(count: count, policy: sampler.policy, model: noisePredictor())
    }

    /// The model as the sampler's (x_t, t, images) → ε̂; a class-conditional model is guided
    /// towards each image's class (`ClassifierFreeGuidance`, one batched pass for both halves).
    public func noisePredictor() -> NoisePredictor {
        let model = self.model
        if let labels = classLabels, let guided = model.guidedNoisePredictor(weight: guidance, label: { labels[$0 % labels.count] }) {
            return guided
        }
        return { x, t, _ in
            var context = ForwardContext.inference
            return model(x, timesteps: t, classLabels: nil, context: &context)
        }
    }

    /// The class of image `index` of the seeded sequence, described for provenance ("7 Sneaker").
    public func classDescription(ofImage index: Int) -> String? {
        classLabels.map { labels in
            let label = labels[index % labels.count]
            return classNames?.describe(label) ?? String(label)
        }
    }

    /// Writes `images` as a grid PNG with `nrow` images per row, and `rowLabels` (one per row)
    /// beside the rows when given.
    public func writeGrid(_ images: Tensor, nrow: Int, rowLabels: [String]? = nil, to path: String, overwrite: Bool) throws {
        let s = images.shape
        var png = rowLabels.map { PNGImage.grid(images.scalars, n: s[0], c: s[1], h: s[2], w: s[3], nrow: nrow, rowLabels: $0) }
            ?? PNGImage.grid(images.scalars, n: s[0], c: s[1], h: s[2], w: s[3], nrow: nrow)
        png.text = provenance + [("images", String(s[0]))]
        try png.write(to: path, overwrite: overwrite)
    }

    /// Writes each image of a batch to `folder/NNNNN.png`, NNNNN its index in the seeded sequence.
    public func writeImages(_ batch: Tensor, indices: Range<Int>, to folder: String, overwrite: Bool) throws {
        try FileSystem.createFolder(folder)
        let s = batch.shape, per = s[1] * s[2] * s[3]
        let values = batch.scalars
        for (i, index) in indices.enumerated() {
            var png = PNGImage(chw: Array(values[(i * per)..<((i + 1) * per)]), channels: s[1], height: s[2], width: s[3])
            png.text = provenance + [("image-index", String(index))] + (classDescription(ofImage: index).map { [("class", $0)] } ?? [])
            try png.write(to: folder + String(format: "/%05d.png", index), overwrite: overwrite)
        }
    }
}
