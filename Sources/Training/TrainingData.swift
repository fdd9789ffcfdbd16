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

    /// Reads the dataset once, through the byte cache in `cacheFolder` (decoded once, then
    /// memory-mapped; nil decodes into memory), and splits it. `data.classesSubset` keeps some
    /// classes (both splits), `data.limit` a seeded random subset of the training split
    /// (`RandomStreams.dataSubset`; the first N for a config from before `limitSampling`), and only the first `validationImages` validation images are
    /// kept (the only ones validation reads). An image folder decodes only the kept files.
    public static func load(_ config: TrainConfig, cacheFolder: String? = DatasetCache.defaultFolder()) throws -> TrainingData {
        let (data, model) = (config.data, config.model)
        let locator = try DatasetLocator(kind: data.dataset, dataDir: data.dataDir, cache: cacheFolder.map(DatasetCache.init))
        let selection = DataSelection(classes: data.classesSubset.map(Set.init), limit: data.limit,
                                      limitSampling: data.limitSampling,
                                      generator: RandomGenerator(seed: config.training.seed, stream: RandomStreams.dataSubset),
                                      validationLimit: config.training.validationImages)
        let (train, validation, warnings) = try locator.loadTraining(imageSize: model.imageSize, channels: model.channels, selection: selection)
        if let classes = data.classesSubset, train.count == 0 {
            throw ConfigError.invalid("--classes-subset \(classes.map(String.init).joined(separator: ",")): no training image has these labels")
        }
        return TrainingData(train: train, validation: validation.count > 0 ? validation : nil, warnings: warnings)
    }
}
