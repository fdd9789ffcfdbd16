// An image dataset as bytes (in memory or memory-mapped, see ImageBytes), and the views training
// needs: index ranges, a held-out validation split, and batches gathered as Float with optional
// horizontal flips.

import TensorCore

/// Images in NCHW order as bytes, read as Float in [-1, 1] when gathered, with one integer class
/// label per image. Views (`subset`, `splittingValidation`) share the bytes; nothing is copied.
///
/// Shapes: images `[count, channels, height, width]`, `labels: [count]`.
public struct ImageSet: Sendable {
    public let count: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    public let labels: [Int]
    /// The bytes of every image of the underlying dataset; this view starts at image `first`.
    public let storage: ImageBytes
    let first: Int

    /// Values per image, C·H·W.
    public var imageSize: Int { channels * height * width }

    /// A set over `storage`, whose images `first ..< first + labels.count` it shows.
    public init(storage: ImageBytes, first: Int = 0, labels: [Int], channels: Int, height: Int, width: Int) {
        let plane = channels * height * width
        shapeCheck(first >= 0 && (first + labels.count) * plane <= storage.byteCount,
                      "ImageSet: images \(first)..<\(first + labels.count) of \(plane) bytes exceed the \(storage.byteCount) bytes stored")
        self.count = labels.count
        self.channels = channels
        self.height = height
        self.width = width
        self.labels = labels
        self.storage = storage
        self.first = first
    }

    /// A set of NCHW bytes held in memory.
    public init(bytes: [UInt8], labels: [Int], channels: Int, height: Int, width: Int) {
        shapeCheck(bytes.count == labels.count * channels * height * width,
                      "ImageSet: \(labels.count)×\(channels)×\(height)×\(width) needs \(labels.count * channels * height * width) bytes but got \(bytes.count)")
        self.init(storage: ImageBytes(bytes), labels: labels, channels: channels, height: height, width: width)
    }

    /// Every image as Float, each byte x as x/127.5 − 1 (so 0 → −1 and 255 → 1). For small sets
    /// and tests: training gathers batches instead.
    public var pixels: [Float] { gather(indices: Array(0..<count)) }

    /// The bytes of image `index`, NCHW.
    public func bytes(ofImage index: Int) -> [UInt8] {
        shapeCheck(index >= 0 && index < count, "ImageSet.bytes: index \(index) is outside 0..<\(count)")
        let start = (first + index) * imageSize
        return Array(UnsafeRawBufferPointer(start: storage.base + start, count: imageSize))
    }

    /// The bytes of the images at `range`, NCHW.
    public func bytes(ofImages range: Range<Int>) -> [UInt8] {
        shapeCheck(range.lowerBound >= 0 && range.upperBound <= count, "ImageSet.bytes: \(range) is outside 0..<\(count)")
        return Array(UnsafeRawBufferPointer(start: storage.base + (first + range.lowerBound) * imageSize, count: range.count * imageSize))
    }

    /// Calls `body` with the bytes of every image of the set, NCHW, without copying them (e.g. to hash
    /// a memory-mapped split).
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.base + first * imageSize, count: count * imageSize))
    }

    /// The images at `range`, in order (a view: no bytes are copied).
    public func subset(_ range: Range<Int>) -> ImageSet {
        shapeCheck(range.lowerBound >= 0 && range.upperBound <= count, "ImageSet.subset: \(range) is outside 0..<\(count)")
        return ImageSet(storage: storage, first: first + range.lowerBound, labels: Array(labels[range]),
                        channels: channels, height: height, width: width)
    }

    /// The images whose label is in `classes`, in their original order (e.g. one CIFAR-10 category), copied.
    public func selectingClasses(_ classes: Set<Int>) -> ImageSet {
        let kept = (0..<count).filter { classes.contains(labels[$0]) }
        return ImageSet(bytes: kept.flatMap { bytes(ofImage: $0) }, labels: kept.map { labels[$0] },
                        channels: channels, height: height, width: width)
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

    /// Converts the images at `indices` into one NCHW batch `[indices.count, C, H, W]` of x/127.5 − 1.
    /// When `flips` is given (one flag per index), flagged images are mirrored left-right.
    public func gather(indices: [Int], flips: [Bool]? = nil) -> [Float] {
        if let flips {
            shapeCheck(flips.count == indices.count, "ImageSet.gather: \(indices.count) indices but \(flips.count) flip flags")
        }
        let plane = imageSize
        var batch = [Float](repeating: 0, count: indices.count * plane)
        batch.withUnsafeMutableBufferPointer { out in
            for (slot, index) in indices.enumerated() {
                shapeCheck(index >= 0 && index < count, "ImageSet.gather: index \(index) is outside 0..<\(count)")
                let start = (first + index) * plane
                let source = (storage.base + start).assumingMemoryBound(to: UInt8.self)
                ByteImageKernels.toUnitRange(source, into: out.baseAddress! + slot * plane, rows: channels * height, width: width,
                                             mirrored: flips?[slot] == true)
                storage.giveBack(start..<(start + plane))
            }
        }
        return batch
    }

    /// The labels at `indices`, in the same order as `gather(indices:)`.
    public func gatherLabels(indices: [Int]) -> [Int] { indices.map { labels[$0] } }
}
