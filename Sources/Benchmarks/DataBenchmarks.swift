import DataIO
import Foundation
import TensorCore
import Training

/// The data path of `ddpm train` without the model (issue 13 point 6): opening the dataset (the
/// first time: listing, decoding and writing the byte cache; later: mapping it), then one epoch of
/// shuffled, flipped batches converted to Float exactly as the trainer gathers them. Its rate is
/// the most the data path can feed; a training step that takes longer than a batch's gather never
/// waits for data, because the trainer gathers the next batch during the current step.
public enum DataBenchmarks {
    public static func load(_ name: String, config: TrainConfig) throws -> (BenchMeasurement, TrainingData) {
        let (t0, c0) = (monotonicSeconds(), processCPUSeconds())
        let data = try TrainingData.load(config)
        var m = BenchMeasurement(name: "data open \(name) (\(data.train.count) images)", seconds: [monotonicSeconds() - t0],
                                 flops: 0, images: 0)
        m.cpuSeconds = [processCPUSeconds() - c0]
        return (m, data)
    }

    /// One epoch of batches of `batch` in a seeded random order, half the images flipped (the even
    /// indices: the trainer's flips at p = 0.5 touch as many, and the cost does not depend on which).
    public static func epoch(_ name: String, images: ImageSet, batch: Int, repeats: Int) -> BenchMeasurement {
        var generator = RandomGenerator(seed: 0)
        let order = Array(0..<images.count).shuffled(using: &generator)
        let batches = images.count / batch
        var checksum: Float = 0
        let m = measure("data epoch \(name) ×\(batch)", images: batches * batch, warmup: 0, repeats: repeats) {
            for k in 0..<batches {
                let indices = Array(order[(k * batch)..<((k + 1) * batch)])
                let flips = indices.map { $0 % 2 == 0 }
                checksum += images.gather(indices: indices, flips: flips)[0]
            }
        }
        _ = checksum   // keeps the gathers from being optimized away
        return m
    }
}
