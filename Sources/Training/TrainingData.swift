import DataIO

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

    /// Reads the dataset once, through the byte cache in `cacheFolder` (decoded once, then
    /// memory-mapped; nil decodes into memory), and splits it by view (`data.limit` trims the training split).
    public static func load(_ data: DataSettings, model: ModelSettings,
                            cacheFolder: String? = DatasetCache.defaultFolder()) throws -> TrainingData {
        let locator = try DatasetLocator(kind: data.dataset, dataDir: data.dataDir, cache: cacheFolder.map(DatasetCache.init))
        var (train, validation, warnings) = try locator.loadTraining(imageSize: model.imageSize, channels: model.channels)
        if let limit = data.limit, limit < train.count { train = train.subset(0..<limit) }
        return TrainingData(train: train, validation: validation.count > 0 ? validation : nil, warnings: warnings)
    }
}
