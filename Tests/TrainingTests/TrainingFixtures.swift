// Shared pieces of the Training tests: a UNet small enough to train in a fraction of a second,
// a synthetic dataset of simple shapes (no dataset file needed), scratch folders, and readers
// for the files a run writes.
import DataIO
import Foundation
import _TestSupport
import Testing
import TensorCore
import Training

enum Tiny {
    /// 8×8 gray images, two levels (8, 4) with attention at 4, T = 50, batch 8.
    static func config(seed: UInt64 = 0, classes: Int? = nil, dropout: Float = 0, flip: Bool = false) -> TrainConfig {
        var c = TrainConfig()
        c.model.imageSize = 8
        c.model.channels = 1
        c.model.baseChannels = 8
        c.model.channelMultipliers = [1, 2]
        c.model.resBlocks = 1
        c.model.attentionResolutions = [4]
        c.model.groups = 4
        c.model.dropout = dropout
        c.model.classes = classes
        c.diffusion.timesteps = 50
        c.data.flip = flip
        c.training.batchSize = 8
        c.training.learningRate = 2e-3
        c.training.warmupSteps = 4
        c.training.emaDecay = 0.9
        c.training.seed = seed
        c.training.checkpointEvery = 1000
        c.training.sampleEvery = 0
        c.training.validationImages = 16
        return c
    }

    /// `count` 8×8 images in [-1, 1]: label 0 is a filled 3×3 to 4×4 square, label 1 a plus sign,
    /// each at a position that cycles through the image. Deterministic, no randomness.
    static func shapes(count: Int = 64) -> ImageSet {
        let side = 8
        var bytes = [UInt8](repeating: 0, count: count * side * side)
        var labels: [Int] = []
        for k in 0..<count {
            let label = k % 2
            let x0 = 1 + (k / 2) % 4, y0 = 1 + (k / 8) % 4, size = 3 + (k / 32) % 2
            for y in 0..<side {
                for x in 0..<side {
                    let inSquare = (x0..<(x0 + size)).contains(x) && (y0..<(y0 + size)).contains(y)
                    let inPlus = (x == x0 + 1 && (y0..<(y0 + 3)).contains(y)) || (y == y0 + 1 && (x0..<(x0 + 3)).contains(x))
                    if label == 0 ? inSquare : inPlus { bytes[k * side * side + y * side + x] = 255 }
                }
            }
            labels.append(label)
        }
        return ImageSet(bytes: bytes, labels: labels, channels: 1, height: side, width: side)
    }

    /// A fresh run folder and trainer on `shapes()` (validation: `validation` images of the same kind).
    static func trainer(_ config: TrainConfig, in scratch: Scratch, name: String = "run", validation: ImageSet? = nil,
                        logEvery: Int = 1) throws -> Trainer {
        let run = RunDirectory(path: scratch.file(name))
        try run.createForNewRun(force: false)
        let trainer = try Trainer(state: TrainingState(config: config), run: run, train: shapes(), validation: validation)
        trainer.logEvery = logEvery
        return trainer
    }

    /// A fixed batch of inputs for comparing model outputs: x `[3, 1, 8, 8]` and three timesteps.
    static func probe() -> (x: Tensor, t: [Float]) {
        var g = RandomGenerator(seed: 99)
        return (Tensor.randn([3, 1, 8, 8], using: &g), [0, 17, 49])
    }
}

/// A fresh directory per test (see _TestSupport).
typealias Scratch = ScratchDirectory

/// The lines of a run's metrics.jsonl as dictionaries.
func metricsLines(_ run: RunDirectory) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: run.metricsPath, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
    }
}

/// (step, loss) of the training lines, in file order.
func trainLosses(_ run: RunDirectory) throws -> [(step: Int, loss: Double)] {
    try metricsLines(run).compactMap { line in
        guard let loss = line["loss"] as? Double else { return nil }
        return (try #require(line["step"] as? Int), loss)
    }
}

/// Every value of `t`, for bitwise comparisons (`==` on [Float] treats NaN as unequal and 0 as -0).
func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }
func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
