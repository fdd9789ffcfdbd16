import DataIO

/// The training and validation images a config asks for.
public struct TrainingData {
    public let train: ImageSet
    public let validation: ImageSet?

    public init(train: ImageSet, validation: ImageSet?) {
        self.train = train
        self.validation = validation
    }

    /// Loads the dataset's train and validation splits (`data.limit` trims the training split).
    public static func load(_ data: DataSettings, model: ModelSettings) throws -> TrainingData {
        let locator = try DatasetLocator(kind: data.dataset, dataDir: data.dataDir)
        var train = try locator.load(.train, imageSize: model.imageSize, channels: model.channels)
        let validation = try locator.load(.validation, imageSize: model.imageSize, channels: model.channels)
        if let limit = data.limit, limit < train.count { train = train.subset(0..<limit) }
        return TrainingData(train: train, validation: validation.count > 0 ? validation : nil)
    }
}
