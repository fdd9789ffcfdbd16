import DataIO
import Foundation
import NN
import TensorCore
import Testing
import _TestSupport
@testable import Metrics

/// The feature network (version 2): its shapes for every dataset's image size, deterministic
/// training that learns an easy task, a saved file that loads back to the same features, and the
/// refusal of a version-1 file.
@Suite struct FeatureNetTests {
    @Test(arguments: [(1, 8), (1, 28), (3, 32), (1, 30)])
    func featuresAndLogitsHaveTheConfiguredWidths(channels: Int, size: Int) {
        let config = FeatureNetConfig(channels: channels, imageSize: size)
        let net = FeatureNet(config, seed: 3)
        var g = RandomGenerator(seed: 1)
        let x = Tensor.randn([2, channels, size, size], using: &g)
        let f = withoutGrad { net.features(x) }
        #expect(f.shape == [2, 128] && config.featureCount == 128)
        #expect(config.flattenedCount == 64 * (size / 4) * (size / 4))
        #expect(withoutGrad { net.logits(features: f) }.shape == [2, 10])
        // SiLU features: bounded below by SiLU's minimum, −0.2785.
        #expect(f.scalars.allSatisfy { $0 > -0.279 })
    }

    /// Class 0: the upper half bright; class 1: the lower half bright; with noise.
    static func halves(count: Int, seed: UInt64) -> ImageSet {
        var g = RandomGenerator(seed: seed)
        var bytes: [UInt8] = [], labels: [Int] = []
        for i in 0..<count {
            let label = i % 2
            for row in 0..<8 {
                for _ in 0..<8 {
                    let bright = (row < 4) == (label == 0)
                    let noise = Int(g.nextFloat() * 80)
                    bytes.append(UInt8(bright ? 175 + noise : noise))
                }
            }
            labels.append(label)
        }
        return ImageSet(bytes: bytes, labels: labels, channels: 1, height: 8, width: 8)
    }

    @Test func trainingIsDeterministicLearnsAnEasyTaskAndRoundTripsThroughItsFile() throws {
        let train = Self.halves(count: 120, seed: 1), test = Self.halves(count: 40, seed: 2)
        var settings = FeatureNetTrainingSettings()
        settings.epochs = 2
        settings.batchSize = 20
        settings.warmupSteps = 2
        let (net, record) = FeatureNetTrainer.train(on: train, test: test, dataset: "halves", settings: settings, classes: 2)
        #expect(record.testAccuracy == 1, "the halves task is trivial: \(record)")
        #expect(record.testImages == 40 && record.trainingImages == 120 && record.training == settings)
        let (again, _) = FeatureNetTrainer.train(on: train, test: test, dataset: "halves", settings: settings, classes: 2)
        let x = Tensor(shape: [4, 1, 8, 8], values: test.subset(0..<4).pixels)
        #expect(withoutGrad { net.features(x) }.scalars == withoutGrad { again.features(x) }.scalars, "same seed, same network")

        let scratch = try ScratchDirectory()
        let saved = try FeatureNetFile.save(net, record: record, to: scratch.file("nets/halves.safetensors"))
        let loaded = try FeatureNetFile.load(saved.path)
        #expect(loaded.record == record && loaded.hash == saved.hash && loaded.net.config == net.config)
        // The hash is the network's: the same weights with another record (a training's wall time)
        // keep it, other weights do not.
        var slower = record
        slower.trainingSeconds += 17
        #expect(try FeatureNetFile.save(again, record: slower, to: scratch.file("nets/again.safetensors")).hash == saved.hash)
        let (other, _) = FeatureNetTrainer.train(on: test, test: test, dataset: "halves", settings: settings, classes: 2)
        #expect(try FeatureNetFile.save(other, record: record, to: scratch.file("nets/other.safetensors")).hash != saved.hash)
        #expect(withoutGrad { loaded.net.features(x) }.scalars == withoutGrad { net.features(x) }.scalars)
        #expect(loaded.net.accuracy(on: test) == 1)
    }

    @Test func aVersionOneFileIsRefusedWithTheReason() throws {
        let scratch = try ScratchDirectory()
        var file = SafetensorsFile()
        file.tensors["head.weight"] = SafetensorsTensor(shape: [10, 128], floats: [Float](repeating: 0, count: 1280))
        let record = FeatureNetRecord(dataset: "mnist", testAccuracy: 0.9, testImages: 10, training: FeatureNetTrainingSettings(),
                                      trainingImages: 10, trainingSeconds: 1)
        file.metadata = [FeatureNetFile.configKey: #"{"version":1,"channels":1,"imageSize":28,"classes":10,"widths":[32,64,128,128],"groups":8}"#,
                         FeatureNetFile.recordKey: String(decoding: try JSONEncoder().encode(record), as: UTF8.self)]
        try file.write(to: scratch.file("old.safetensors"))
        #expect {
            try FeatureNetFile.load(scratch.file("old.safetensors"))
        } throws: { error in
            "\(error)".contains("old.safetensors is not a ddpm feature network: architecture version 1, this ddpm builds version 2")
                && "\(error)".contains("--train-feature-net --force")
        }
    }
}
