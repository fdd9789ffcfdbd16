// TrainConfig as YAML: round trip, the committed configs, defaults for missing keys, and errors
// that name the file and the key.
import Foundation
import NN
import Testing
import Training

@Suite struct TrainConfigTests {
    /// configs/ at the package root, found from this file's path.
    static let configsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("configs").path

    /// Every field away from its default, so a field the encoder or decoder drops shows up.
    static func unusual() -> TrainConfig {
        var c = TrainConfig()
        c.model.imageSize = 16; c.model.channels = 3; c.model.baseChannels = 24; c.model.channelMultipliers = [1, 3]
        c.model.resBlocks = 3; c.model.attentionResolutions = []; c.model.midAttention = false; c.model.headDim = 8; c.model.dropout = 0.25
        c.model.groups = 6; c.model.normEps = 1e-6; c.model.classes = 7
        c.diffusion.schedule = .cosine; c.diffusion.timesteps = 321; c.diffusion.betaMin = 2e-4; c.diffusion.betaMax = 0.03
        c.diffusion.logScale = 2.5; c.diffusion.cosineOffset = 0.01; c.diffusion.loss = .huber
        c.data.dataset = .folder; c.data.dataDir = "some/where"; c.data.flip = true; c.data.limit = 99
        var t = TrainingSettings()
        t.batchSize = 5; t.epochs = 4; t.steps = 1234; t.minutes = 1.5; t.learningRate = 3e-4; t.lrSchedule = .oneCycle
        t.warmupSteps = 7; t.weightDecay = 0.01; t.gradClip = 0.5; t.emaDecay = 0.99; t.seed = UInt64.max
        t.validateEvery = 11; t.validationImages = 12; t.earlyStopping = 3; t.checkpointEvery = 13; t.keepCheckpoints = 2
        t.sampleEvery = 14; t.sampleCount = 9; t.classDropout = 0.2
        c.training = t
        return c
    }

    @Test func yamlRoundTripPreservesEveryField() throws {
        let scratch = try Scratch()
        let config = Self.unusual()
        let path = scratch.file("c.yaml")
        try config.yaml().write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try TrainConfig.load(path: path) == config)
        #expect(try TrainConfig.load(path: path) != TrainConfig(), "the round trip must not fall back to the defaults")
    }

    /// Floats are written in their shortest exact form (Yams alone writes a Float widened to
    /// Double with 15 digits: `1.00000004749745e-3`), and read back bit for bit.
    @Test func yamlWritesFloatsInTheirShortestExactForm() throws {
        var config = TrainConfig()
        config.training.learningRate = 0.001
        config.training.emaDecay = 0.9999
        config.model.dropout = 0.1
        config.model.normEps = 1e-6
        config.diffusion.betaMin = 0.0002
        config.diffusion.betaMax = 0.02
        let yaml = try config.yaml()
        let lines = Set(yaml.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        for expected in ["learningRate: 0.001", "emaDecay: 0.9999", "dropout: 0.1", "normEps: 1e-06", "betaMin: 0.0002",
                         "betaMax: 0.02", "weightDecay: 0.0", "gradClip: 1.0"] {
            #expect(lines.contains(expected), "\(expected) in\n\(yaml)")
        }
        let scratch = try Scratch()
        let path = scratch.file("c.yaml")
        try config.yaml().write(toFile: path, atomically: true, encoding: .utf8)
        let back = try TrainConfig.load(path: path)
        #expect(back == config)
        #expect(back.training.learningRate.bitPattern == Float(0.001).bitPattern)
    }

    /// `--betas-file` betas go into config.yaml (a tune base config, `train --config runs/x/config.yaml`):
    /// each must read back bit for bit, which Yams' 15 significant digits do not give.
    @Test func betasRoundTripExactlyThroughYAML() throws {
        var config = TrainConfig()
        let awkward: [Double] = [0.1 + 0.2, 1e-4 * (1 + 0x1p-52), 0.02 - 0x1p-58, 1.0 / 3.0, 0.999_999_999_999_999_9,
                                 Double.leastNormalMagnitude, 0.5]
        #expect(awkward.contains { Double(String(format: "%.15g", $0))!.bitPattern != $0.bitPattern },
                "the list must hold betas that 15 digits do not store exactly")
        config.diffusion.betas = awkward
        config.diffusion.timesteps = awkward.count
        let yaml = try config.yaml()
        #expect(yaml.contains("0.30000000000000004"), "shortest exact form:\n\(yaml)")
        let scratch = try Scratch()
        let path = scratch.file("c.yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let back = try #require(try TrainConfig.load(path: path).diffusion.betas)
        #expect(back.map(\.bitPattern) == awkward.map(\.bitPattern))
        // No betas: the key is left out, not written as null.
        #expect(!(try TrainConfig().yaml()).contains("betas"))
        // The checkpoint's JSON copy keeps them too.
        let json = try JSONDecoder().decode(TrainConfig.self, from: JSONEncoder().encode(config))
        #expect(json.diffusion.betas?.map(\.bitPattern) == awkward.map(\.bitPattern))
    }

    @Test func missingKeysTakeTheirDefaults() throws {
        let scratch = try Scratch()
        let path = scratch.file("c.yaml")
        try "model:\n  baseChannels: 48\n".write(toFile: path, atomically: true, encoding: .utf8)
        var expected = TrainConfig()
        expected.model.baseChannels = 48
        #expect(try TrainConfig.load(path: path) == expected)
    }

    /// `--limit` meant the first N images before `data.limitSampling` existed: a config written
    /// then (a limit, no limitSampling) keeps that meaning; a new config is random and says so.
    @Test func limitWithoutSamplingKeyMeansTheFirstImages() throws {
        let scratch = try Scratch()
        let old = scratch.file("old.yaml")
        try "data:\n  dataset: mnist\n  limit: 500\n".write(toFile: old, atomically: true, encoding: .utf8)
        let loaded = try TrainConfig.load(path: old)
        #expect(loaded.data.limit == 500 && loaded.data.limitSampling == .first)
        #expect(DataSettings().limitSampling == .random)

        var config = TrainConfig()
        config.data.limit = 500
        let yaml = try config.yaml()
        #expect(yaml.contains("limitSampling: random"), "written even when it is the default:\n\(yaml)")
        let path = scratch.file("new.yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try TrainConfig.load(path: path).data.limitSampling == .random)
        // The checkpoint's JSON copy of the config decodes the same way.
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        #expect(try JSONDecoder().decode(TrainConfig.self, from: Data(json.utf8)).data.limitSampling == .random)
        let oldJSON = json.replacingOccurrences(of: ",\"limitSampling\":\"random\"", with: "")
            .replacingOccurrences(of: "\"limitSampling\":\"random\",", with: "")
        #expect(!oldJSON.contains("limitSampling"))
        #expect(try JSONDecoder().decode(TrainConfig.self, from: Data(oldJSON.utf8)).data.limitSampling == .first)
    }

    @Test(arguments: ["tiny", "small", "cifar"])
    func committedConfigLoadsAndBuildsAValidUNet(name: String) throws {
        let config = try TrainConfig.load(path: "\(Self.configsFolder)/\(name).yaml")
        #expect(config.version == TrainConfig.currentVersion)
        #expect(config.model.unetConfig.validationErrors() == [])
        #expect(try config.diffusion.noiseTables().timesteps == 1000)
        switch name {
        case "tiny":
            #expect(config.model.baseChannels == 16 && config.model.channelMultipliers == [1, 2, 2] && config.data.dataset == .fashionMNIST)
            #expect(config.training.checkpointEvery == 200)
        case "small":
            #expect(config.model.baseChannels == 32 && config.model.resBlocks == 2 && config.training.learningRate == 5e-4)
        default:
            #expect(config.model.imageSize == 32 && config.model.channels == 3 && config.data.dataset == .cifar10 && config.data.flip)
        }
    }

    @Test func unknownEnumValueNamesTheFileAndTheKey() throws {
        let scratch = try Scratch()
        let path = scratch.file("bad.yaml")
        try "diffusion:\n  schedule: foo\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) { try TrainConfig.load(path: path) }
        let text = error?.description ?? ""
        #expect(text.hasPrefix(path + ": "), "\(text)")
        #expect(text.contains("diffusion.schedule") && text.contains("foo"), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test func misspeltKeyIsRejectedNamingItsPath() throws {
        let scratch = try Scratch()
        let path = scratch.file("typo.yaml")
        try "training:\n  learningrate: 0.1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) { try TrainConfig.load(path: path) }
        #expect(error?.description.contains("unknown key training.learningrate") == true, "\(String(describing: error))")
    }

    @Test func wrongTypeNamesTheKey() throws {
        let scratch = try Scratch()
        let path = scratch.file("bad.yaml")
        try "training:\n  batchSize: many\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) { try TrainConfig.load(path: path) }
        #expect(error?.description.contains("training.batchSize") == true, "\(String(describing: error))")
    }

    @Test func newerVersionIsRejected() throws {
        let scratch = try Scratch()
        let path = scratch.file("future.yaml")
        try "version: \(TrainConfig.currentVersion + 1)\nmodel:\n  imageSize: 28\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) { try TrainConfig.load(path: path) }
        let text = error?.description ?? ""
        #expect(text.hasPrefix(path + ": ") && text.contains("version \(TrainConfig.currentVersion + 1)"), "\(text)")
    }

    @Test func unreadableFileIsNamed() {
        let error = #expect(throws: ConfigError.self) { try TrainConfig.load(path: "/nonexistent/c.yaml") }
        #expect(error?.description.hasPrefix("/nonexistent/c.yaml: ") == true)
    }

    @Test func invalidModelIsRejectedWhenBuildingTheState() {
        var config = Tiny.config()
        config.model.groups = 3  // 8 channels do not split into 3 groups
        let error = #expect(throws: ConfigError.self) { try TrainingState(config: config) }
        #expect(error?.description.hasPrefix("model: ") == true && error?.description.contains("norm_num_groups = 3") == true)
    }
}
