import DataIO

/// Why a training run stopped with an error that is about its settings, not its files.
public enum TrainingError: Error, CustomStringConvertible {
    /// The loss became NaN or infinite at `step` (0-based: the step being computed).
    case diverged(step: Int, loss: Double, settings: TrainConfig, learningRate: Float)

    public var description: String {
        switch self {
        case let .diverged(step, loss, c, lr):
            let t = c.training
            let clip = t.gradClip > 0 ? "--grad-clip \(t.gradClip)" : "--grad-clip 0 (off)"
            let tries = [t.gradClip > 0 ? nil : "turn clipping on (--grad-clip 1)",
                         "lower --learning-rate (e.g. \(t.learningRate / 4))",
                         t.warmupSteps < 1000 ? "a longer --warmup-steps (e.g. \(max(1000, t.warmupSteps * 4)))" : nil,
                         t.gradClip > 0.5 ? "a tighter --grad-clip (e.g. 0.5)" : nil].compactMap { $0 }
            return "training diverged at step \(step + 1): loss \(loss) with learning rate \(lr) (--learning-rate \(t.learningRate), "
                + "--lr-schedule \(t.lrSchedule.rawValue), --warmup-steps \(t.warmupSteps), \(clip), --batch-size \(t.batchSize), "
                + "--loss \(c.diffusion.loss.rawValue)); the last checkpoint is kept. Start a new run with "
                + tries.joined(separator: ", or ")
        }
    }
}

/// A checkpoint used with data it was not trained on, described with both sides.
public struct DataMismatchError: Error, CustomStringConvertible, Equatable {
    /// The checkpoint file or model folder.
    public let checkpoint: String
    /// What the model was trained on, e.g. `mnist, 1×28×28 images`.
    public let trainedOn: String
    /// Where the data came from (the flag or file the user gave) and what it is.
    public let dataSource: String
    public let data: String

    public var description: String {
        "\(checkpoint) was trained on \(trainedOn), but \(dataSource) gives \(data); use a checkpoint trained on this data or the data it was trained on"
    }
}

/// The one check every command that takes both a checkpoint and data makes (train --resume,
/// inpaint, evaluate): same dataset kind, image size and channel count.
public enum DataCompatibility {
    /// - Parameters:
    ///   - checkpoint: the checkpoint path as the user gave it.
    ///   - model: the model settings stored with it; `trainedOn` its dataset (nil when unknown, e.g. a diffusers export).
    ///   - dataset: the dataset kind of the data; `channels`/`imageSize` the data's image shape.
    ///   - dataSource: how the user chose the data, e.g. `--dataset cifar10` or `--data-dir faces/`.
    public static func check(checkpoint: String, model: ModelSettings, trainedOn: DatasetKind?,
                             dataset: DatasetKind, channels: Int, imageSize: Int, dataSource: String) throws {
        let sameKind = trainedOn.map { $0 == dataset } ?? true
        guard sameKind, model.channels == channels, model.imageSize == imageSize else {
            throw DataMismatchError(checkpoint: checkpoint, trainedOn: describe(trainedOn, model.channels, model.imageSize),
                                    dataSource: dataSource, data: describe(dataset, channels, imageSize))
        }
    }

    /// Checks a loaded image set against the checkpoint.
    public static func check(checkpoint: String, model: ModelSettings, trainedOn: DatasetKind?,
                             dataset: DatasetKind, images: ImageSet, dataSource: String) throws {
        guard images.height == images.width else {
            throw DataMismatchError(checkpoint: checkpoint, trainedOn: describe(trainedOn, model.channels, model.imageSize),
                                    dataSource: dataSource, data: "\(dataset.rawValue), \(images.channels)×\(images.height)×\(images.width) images")
        }
        try check(checkpoint: checkpoint, model: model, trainedOn: trainedOn, dataset: dataset,
                  channels: images.channels, imageSize: images.height, dataSource: dataSource)
    }

    static func describe(_ kind: DatasetKind?, _ channels: Int, _ size: Int) -> String {
        (kind.map { $0.rawValue + ", " } ?? "") + "\(channels)×\(size)×\(size) images"
    }
}
