// Which images of a dataset a run trains on: some classes only (`--classes-subset`) and a seeded
// random subset (or, for configs written before that, the first N) of the training split (`--limit`). Applied to file lists before decoding (image
// folders) or to the decoded bytes (IDX, CIFAR-10), with the same rule for both.
import TensorCore

/// Which `limit` training images are kept. `random` (a seeded random subset) is what new runs use;
/// `first` (the first N, in dataset order) is what `--limit` meant before, and what a config or
/// checkpoint written then, which lacks the setting, still gets so that it resumes on the same images.
public enum LimitSampling: String, CaseIterable, Codable, Sendable {
    case first, random
}

/// The part of a dataset to use. Both filters keep the dataset's order and its labels (a
/// class-conditional model keeps the full class numbering).
public struct DataSelection: Equatable, Sendable {
    /// Keep only images with these labels (training and validation); nil = all.
    public var classes: Set<Int>?
    /// Keep a random `limit` of the training images (after the class filter); nil = all.
    public var limit: Int?
    /// How the `limit` images are chosen.
    public var limitSampling: LimitSampling
    /// Seeds the random subset (the run's seed; `RandomStreams.dataSubset` picks the stream).
    public var generator: RandomGenerator
    /// Decode at most this many validation images (a run validates on the first
    /// `validationImages` only); nil = all.
    public var validationLimit: Int?

    public init(classes: Set<Int>? = nil, limit: Int? = nil, limitSampling: LimitSampling = .random,
                generator: RandomGenerator = RandomGenerator(seed: 0), validationLimit: Int? = nil) {
        self.classes = classes
        self.limit = limit
        self.limitSampling = limitSampling
        self.generator = generator
        self.validationLimit = validationLimit
    }

    /// True when nothing is filtered out, so the whole dataset can be loaded as it is.
    public var keepsEverything: Bool { classes == nil && limit == nil && validationLimit == nil }

    /// The positions to keep of a training split with `labels`: the class filter, then `limit`
    /// of them (the first ones, or drawn without replacement by a seeded shuffle), in dataset order.
    public func trainingIndices(labels: [Int]) -> [Int] {
        let kept = labels.indices.filter { classes?.contains(labels[$0]) ?? true }
        guard let limit, limit < kept.count else { return kept }
        if limitSampling == .first { return Array(kept.prefix(max(limit, 0))) }
        var g = generator
        return Array(kept.shuffled(using: &g).prefix(max(limit, 0))).sorted()
    }

    /// The positions to keep of a validation split: the class filter, then the first `validationLimit`.
    public func validationIndices(labels: [Int]) -> [Int] {
        let kept = labels.indices.filter { classes?.contains(labels[$0]) ?? true }
        return validationLimit.map { Array(kept.prefix(max($0, 0))) } ?? kept
    }
}

extension ImageSet {
    /// The images at `indices`, in that order, copied into memory.
    public func selecting(indices: [Int]) -> ImageSet {
        ImageSet(bytes: indices.flatMap { bytes(ofImage: $0) }, labels: indices.map { labels[$0] },
                 channels: channels, height: height, width: width)
    }
}
