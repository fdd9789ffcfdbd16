// An in-memory image dataset as plain Float arrays, and the views training needs: index ranges,
// a held-out validation split, and batch gathering with optional horizontal flips.

import TensorCore

/// Images in NCHW order scaled to [-1, 1], with one integer class label per image.
///
/// Shapes: `pixels: [count, channels, height, width]`, `labels: [count]`.
public struct ImageSet: Sendable {
    public let count: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    /// NCHW, each value x/127.5 − 1 for a byte x, so 0 → −1 and 255 → 1.
    public var pixels: [Float]
    public var labels: [Int]

    /// Values per image, C·H·W.
    public var imageSize: Int { channels * height * width }

    public init(count: Int, channels: Int, height: Int, width: Int, pixels: [Float], labels: [Int]) {
        shapeCheck(pixels.count == count * channels * height * width,
              "ImageSet: \(count)×\(channels)×\(height)×\(width) needs \(count * channels * height * width) pixels but got \(pixels.count)")
        shapeCheck(labels.count == count, "ImageSet: \(count) images but \(labels.count) labels")
        self.count = count
        self.channels = channels
        self.height = height
        self.width = width
        self.pixels = pixels
        self.labels = labels
    }

    /// Builds a set from NCHW bytes, scaling each byte x to x/127.5 − 1 (the DDPM data range).
    public init(bytes: [UInt8], labels: [Int], channels: Int, height: Int, width: Int) {
        // 127.5 is exact in binary, so 0 and 255 land exactly on −1 and 1.
        let pixels = bytes.map { Float($0) / 127.5 - 1 }
        self.init(count: labels.count, channels: channels, height: height, width: width, pixels: pixels, labels: labels)
    }

    /// The images at `range`, in order.
    public func subset(_ range: Range<Int>) -> ImageSet {
        shapeCheck(range.lowerBound >= 0 && range.upperBound <= count, "ImageSet.subset: \(range) is outside 0..<\(count)")
        return ImageSet(count: range.count, channels: channels, height: height, width: width,
                        pixels: Array(pixels[(range.lowerBound * imageSize)..<(range.upperBound * imageSize)]),
                        labels: Array(labels[range]))
    }

    /// The images whose label is in `classes`, in their original order (e.g. one CIFAR-10 category).
    public func selectingClasses(_ classes: Set<Int>) -> ImageSet {
        let kept = (0..<count).filter { classes.contains(labels[$0]) }
        return ImageSet(count: kept.count, channels: channels, height: height, width: width,
                        pixels: gather(indices: kept), labels: kept.map { labels[$0] })
    }

    /// Splits off the last `validationCount` images as a held-out validation set.
    /// Deterministic on purpose: MNIST's 60000 training images give the first 50000 for training and
    /// the last 10000 for validation, the 50k/10k/10k split of seed 003.
    public func splittingValidation(last validationCount: Int) -> (train: ImageSet, validation: ImageSet) {
        shapeCheck(validationCount >= 0 && validationCount < count,
              "ImageSet.splittingValidation: cannot hold out \(validationCount) of \(count) images")
        let boundary = count - validationCount
        return (subset(0..<boundary), subset(boundary..<count))
    }

    /// Copies the images at `indices` into one NCHW batch `[indices.count, C, H, W]`.
    /// When `flips` is given (one flag per index), flagged images are mirrored left-right.
    public func gather(indices: [Int], flips: [Bool]? = nil) -> [Float] {
        if let flips {
            shapeCheck(flips.count == indices.count, "ImageSet.gather: \(indices.count) indices but \(flips.count) flip flags")
        }
        var batch = [Float](repeating: 0, count: indices.count * imageSize)
        for (slot, index) in indices.enumerated() {
            shapeCheck(index >= 0 && index < count, "ImageSet.gather: index \(index) is outside 0..<\(count)")
            let source = index * imageSize
            let target = slot * imageSize
            guard flips?[slot] == true else {
                batch.replaceSubrange(target..<(target + imageSize), with: pixels[source..<(source + imageSize)])
                continue
            }
            // Each row of each channel is reversed: x' = W − 1 − x.
            for row in 0..<(channels * height) {
                let rowStart = row * width
                for x in 0..<width {
                    batch[target + rowStart + x] = pixels[source + rowStart + width - 1 - x]
                }
            }
        }
        return batch
    }

    /// The labels at `indices`, in the same order as `gather(indices:)`.
    public func gatherLabels(indices: [Int]) -> [Int] { indices.map { labels[$0] } }
}
