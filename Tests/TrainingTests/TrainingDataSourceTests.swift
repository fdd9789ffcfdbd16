// TrainingData.Source: what tune's per-worker data cache compares. Every setting that changes
// the loaded images must change it; settings that do not must not (or every trial reloads).
import Testing
import Training

@Suite struct TrainingDataSourceTests {
    @Test func everySettingThatDecidesTheImagesChangesTheSource() {
        var base = TrainConfig()
        base.data.limit = 100
        let source = TrainingData.Source(base)
        let changes: [(String, (inout TrainConfig) -> Void)] = [
            ("classesSubset", { $0.data.classesSubset = [1, 2] }),
            ("seed of a random limit", { $0.training.seed &+= 1 }),
            ("validationImages", { $0.training.validationImages += 1 }),
            ("limit", { $0.data.limit = 50 }),
            ("limitSampling", { $0.data.limitSampling = .first }),
            ("dataset", { $0.data.dataset = .mnist }),
            ("dataDir", { $0.data.dataDir = "elsewhere" }),
            ("imageSize", { $0.model.imageSize = 32 }),
            ("channels", { $0.model.channels = 3 }),
        ]
        for (name, change) in changes {
            var other = base
            change(&other)
            #expect(TrainingData.Source(other) != source, "\(name) decides the data")
        }
    }

    @Test func settingsThatDoNotDecideTheImagesKeepTheSource() {
        var config = TrainConfig()
        var other = config
        other.training.learningRate *= 2
        other.model.baseChannels += 8
        #expect(TrainingData.Source(other) == TrainingData.Source(config))
        // Without a limit (or with the first-N limit) the seed picks nothing.
        other = config
        other.training.seed &+= 1
        #expect(TrainingData.Source(other) == TrainingData.Source(config))
        config.data.limit = 10
        config.data.limitSampling = .first
        other = config
        other.training.seed &+= 1
        #expect(TrainingData.Source(other) == TrainingData.Source(config))
    }
}
