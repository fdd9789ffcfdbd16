// Running the feature network over images, batch by batch, with grad recording off.
import DataIO
import TensorCore

/// Features and class probabilities of a set of images.
public struct ImageFeatures: Equatable, Sendable {
    public var features: FeatureMatrix
    /// `[count, classes]` softmax probabilities, row-major.
    public var probabilities: [Float]
    public let classes: Int

    public init(features: FeatureMatrix, probabilities: [Float], classes: Int) {
        shapeCheck(probabilities.count == features.count * classes,
                     "ImageFeatures: \(probabilities.count) probabilities for \(features.count) images × \(classes) classes")
        self.features = features
        self.probabilities = probabilities
        self.classes = classes
    }

    public static func empty(dimension: Int, classes: Int) -> ImageFeatures {
        ImageFeatures(features: FeatureMatrix(count: 0, dimension: dimension, values: []), probabilities: [], classes: classes)
    }

    public var count: Int { features.count }

    /// Appends another batch's rows.
    public mutating func append(_ other: ImageFeatures) {
        features = FeatureMatrix(count: count + other.count, dimension: features.dimension, values: features.values + other.features.values)
        probabilities += other.probabilities
    }

    public func prefix(_ n: Int) -> ImageFeatures {
        ImageFeatures(features: features.prefix(n), probabilities: Array(probabilities[0..<(n * classes)]), classes: classes)
    }

    public var probabilitiesInDouble: [Double] { probabilities.map(Double.init) }
}

extension FeatureNet {
    /// Features and probabilities of a batch `[N, C, H, W]` in [-1, 1].
    public func extract(_ batch: Tensor) -> ImageFeatures {
        withoutGrad {
            let f = features(batch)
            let p = logits(features: f).softmax()
            return ImageFeatures(features: FeatureMatrix(count: batch.shape[0], dimension: config.featureCount, values: f.scalars),
                                 probabilities: p.scalars, classes: config.classes)
        }
    }

    /// Features of every image of `images`, `batchSize` at a time; `progress(done)` after each batch.
    public func extract(_ images: ImageSet, batchSize: Int = 250, progress: ((Int) -> Void)? = nil) -> ImageFeatures {
        var out = ImageFeatures.empty(dimension: config.featureCount, classes: config.classes)
        for start in stride(from: 0, to: images.count, by: batchSize) {
            let idx = Array(start..<min(images.count, start + batchSize))
            let x = Tensor(shape: [idx.count, images.channels, images.height, images.width], values: images.gather(indices: idx))
            out.append(extract(x))
            progress?(out.count)
        }
        return out
    }

    /// Top-1 accuracy on `images` against their labels.
    public func accuracy(on images: ImageSet, batchSize: Int = 250) -> Double {
        let p = extract(images, batchSize: batchSize)
        let predicted = ClassHistogram.topClasses(p.probabilitiesInDouble, classes: config.classes)
        return Double(zip(predicted, images.labels).filter { $0 == $1 }.count) / Double(max(images.count, 1))
    }
}
