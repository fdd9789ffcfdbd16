// Training the feature network: plain supervised classification (softmax cross-entropy, AdamW,
// warm-up then cosine decay) on the dataset's training split, then top-1 accuracy on its test split.
// Deterministic: weights from `seed`, epoch order from RandomGenerator(seed, stream: 1 + epoch),
// dropout masks from stream 2³² + step, and the tensor core's fixed-split reductions, so the same
// seed gives the same file on the same machine and thread count.
import DataIO
import Foundation
import NN
import TensorCore

/// The feature network's training recipe (stored in its file).
public struct FeatureNetTrainingSettings: Codable, Equatable, Sendable {
    public var epochs = 5
    public var batchSize = 128
    public var learningRate: Float = 3e-3
    public var weightDecay: Float = 1e-4
    public var warmupSteps = 100
    public var seed: UInt64 = 0
    public init() {}
}

/// Progress of feature-network training, for the caller's progress bar.
public struct FeatureNetProgress: Sendable {
    public let step: Int
    public let totalSteps: Int
    public let epoch: Int
    /// Mean training loss since the previous report.
    public let loss: Double
    /// Training accuracy of the batches since the previous report.
    public let accuracy: Double
}

public enum FeatureNetTrainer {
    /// Step k's dropout masks come from stream `dropoutStreams + k`, apart from the epoch orders (1 + epoch).
    static let dropoutStreams: UInt64 = 1 << 32

    /// Trains a network for `train`'s image shape and returns it with its test accuracy.
    public static func train(on train: ImageSet, test: ImageSet, dataset: String, settings: FeatureNetTrainingSettings,
                             classes: Int = 10, reportEvery: Int = 25,
                             progress: (FeatureNetProgress) -> Void = { _ in }) -> (net: FeatureNet, record: FeatureNetRecord) {
        shapeCheck(train.height == train.width, "FeatureNetTrainer: images must be square (got \(train.height)×\(train.width))")
        let start = Date()
        let net = FeatureNet(FeatureNetConfig(channels: train.channels, imageSize: train.height, classes: classes), seed: settings.seed)
        let parameters = ParameterSet(net)
        let optimizer = AdamW(parameters, settings: AdamW.Settings(weightDecay: settings.weightDecay))
        let b = min(settings.batchSize, train.count), stepsPerEpoch = train.count / b, total = stepsPerEpoch * settings.epochs
        let schedule = LRScheduleSettings(kind: .cosine, peak: settings.learningRate, warmupSteps: settings.warmupSteps, totalSteps: total)
        var step = 0, windowLoss = 0.0, windowCorrect = 0, windowImages = 0
        for epoch in 0..<settings.epochs {
            var g = RandomGenerator(seed: settings.seed, stream: 1 + UInt64(epoch))
            let order = Array(0..<train.count).shuffled(using: &g)
            for k in 0..<stepsPerEpoch {
                let idx = Array(order[(k * b)..<((k + 1) * b)])
                let labels = train.gatherLabels(indices: idx)
                let x = Tensor(shape: [b, train.channels, train.height, train.width], values: train.gather(indices: idx))
                var dropout = RandomGenerator(seed: settings.seed, stream: dropoutStreams + UInt64(step))
                let logits = net.trainingLogits(x, using: &dropout)
                let loss = logits.crossEntropy(labels: labels)
                loss.backward()
                optimizer.update(learningRate: schedule.learningRate(at: step))
                parameters.zeroGradients()
                step += 1
                windowLoss += Double(loss.item()) * Double(b)
                windowImages += b
                windowCorrect += zip(topClasses(logits), labels).filter { $0 == $1 }.count
                if step % reportEvery == 0 || step == total {
                    progress(FeatureNetProgress(step: step, totalSteps: total, epoch: epoch, loss: windowLoss / Double(windowImages),
                                                accuracy: Double(windowCorrect) / Double(windowImages)))
                    windowLoss = 0; windowCorrect = 0; windowImages = 0
                }
            }
        }
        let record = FeatureNetRecord(dataset: dataset, testAccuracy: net.accuracy(on: test), testImages: test.count, training: settings,
                                      trainingImages: train.count, trainingSeconds: Date().timeIntervalSince(start))
        return (net, record)
    }

    static func topClasses(_ logits: Tensor) -> [Int] {
        ClassHistogram.topClasses(logits.scalars.map(Double.init), classes: logits.shape[1])
    }
}
