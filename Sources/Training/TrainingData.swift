import DataIO
import TensorCore

/// The training and validation images a config asks for.
public struct TrainingData {
    public let train: ImageSet
    public let validation: ImageSet?
    /// Things the user should know about the data (tiny source images, an unwritable cache), one line each.
    public let warnings: [String]

    public init(train: ImageSet, validation: ImageSet?, warnings: [String] = []) {
        self.train = train
        self.validation = validation
        self.warnings = warnings
    }

    /// Everything in a config that decides which images `load` returns, so a cache of loaded data
    /// (tune's per-worker cache) can tell when a trial needs other data: dataset, folder, image
    /// shape, class subset, limit (with its seed when the subset is random) and validation count.
    public struct Source: Equatable, Sendable {
        public let dataset: DatasetKind
        public let dataDir: String?
        public let imageSize: Int
        public let channels: Int
        public let selection: DataSelection

        public init(_ config: TrainConfig) {
            let data = config.data
            dataset = data.dataset
            dataDir = data.dataDir
            imageSize = config.model.imageSize
            channels = config.model.channels
            // The seed only matters for a random limit; elsewhere it must not make two sources differ.
            let seeded = data.limit != nil && data.limitSampling == .random
            selection = DataSelection(classes: data.classesSubset.map(Set.init), limit: data.limit,
                                      limitSampling: data.limitSampling,
                                      generator: RandomGenerator(seed: seeded ? config.training.seed : 0, stream: RandomStreams.dataSubset),
                                      validationLimit: config.training.validationImages)
        }
    }

    /// Reads the dataset once, through the byte cache in `cacheFolder` (decoded once, then
    /// memory-mapped; nil decodes into memory), and splits it. `data.classesSubset` keeps some
    /// classes (both splits), `data.limit` a seeded random subset of the training split
    /// (`RandomStreams.dataSubset`; the first N for a config from before `limitSampling`), and only
    /// the first `validationImages` validation images are kept (the only ones validation reads).
    /// An image folder decodes only the kept files.
    public static func load(_ config: TrainConfig, cacheFolder: String? = DatasetCache.defaultFolder()) throws -> TrainingData {
        try load(Source(config), cacheFolder: cacheFolder)
    }

    public static func load(_ source: Source, cacheFolder: String? = DatasetCache.defaultFolder()) throws -> TrainingData {
        let locator = try DatasetLocator(kind: source.dataset, dataDir: source.dataDir, cache: cacheFolder.map(DatasetCache.init))
        let (train, validation, warnings) = try locator.loadTraining(imageSize: source.imageSize, channels: source.channels,
                                                                     selection: source.selection)
        if let classes = source.selection.classes, train.count == 0 {
            throw ConfigError.invalid("--classes-subset \(classes.sorted().map(String.init).joined(separator: ",")): no training image has these labels")
        }
        return TrainingData(train: train, validation: validation.count > 0 ? validation : nil, warnings: warnings)
    }
}
