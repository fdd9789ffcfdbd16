// Parse-level tests: argument-parser's `parse` on the command types, no process, no files.
import Testing
import Training
@testable import ddpm

@Suite struct CLIParseTests {
    @Test(arguments: [["--n", "0"], ["--batch-size", "0"], ["--nrow", "0"], ["--steps", "0"], ["--eta", "-1"],
                      ["--sampler", "ddpm", "--eta", "0.5"], ["--sampler", "plms"], ["--spacing", "random"],
                      ["--sampler", "ddpm", "--steps", "1"], ["--sampler", "ddim", "--variance", "beta-tilde"]])
    func sampleRejects(arguments: [String]) {
        #expect(throws: (any Error).self) { try DDPM.Sample.parse(arguments) }
    }

    @Test func sampleAcceptsTheDocumentedFlags() throws {
        let s = try DDPM.Sample.parse(["--checkpoint", "run", "--n", "4", "--sampler", "ddim", "--steps", "5", "--eta", "0.5",
                                       "--spacing", "trailing", "--out", "g.png", "--nrow", "3", "--no-use-ema", "--seed", "9"])
        #expect(s.count == 4 && s.out == "g.png" && s.nrow == 3 && s.model.checkpoint == "run" && !s.model.useEMA)
        let settings = s.sampling.settings
        #expect(settings.kind == .ddim && settings.steps == 5 && settings.eta == 0.5 && settings.spacing == .trailing)
        #expect(s.sampling.seed == 9)
    }

    @Test(arguments: [["--schedule", "foo"], ["--dataset", "imagenet"], ["--loss", "l3"], ["--lr-schedule", "step"],
                      ["--resume", "r", "--run-dir", "s"], ["--resume", "r", "--force"], ["--resume", "r", "--learning-rate", "1e-3"],
                      ["--resume", "r", "--config", "c.yaml"]])
    func trainRejects(arguments: [String]) {
        #expect(throws: (any Error).self) { try DDPM.Train.parse(arguments) }
    }

    @Test func resumeAcceptsNewBounds() throws {
        let t = try DDPM.Train.parse(["--resume", "r", "--steps", "9", "--early-stopping", "2", "--checkpoint-every", "3"])
        #expect(t.resume == "r" && t.options.settings.givenFlags.isEmpty)
    }

    /// The --resume rule comes from the option types: a run setting (here --seed, --dropout) is
    /// refused by name; a bound is accepted and is all that changes in the checkpoint's config.
    @Test func resumeRefusesARunSettingAndAppliesOnlyBounds() throws {
        for flag in [["--seed", "3"], ["--dropout", "0.2"], ["--optimizer", "adam"]] {
            let error = #expect(throws: (any Error).self) { try DDPM.Train.parse(["--resume", "r"] + flag) }
            #expect(DDPM.Train.message(for: error!).contains("\(flag[0]) cannot be given with it"), "\(String(describing: error))")
        }
        let t = try DDPM.Train.parse(["--resume", "r", "--steps", "9", "--sample-every", "0"])
        var checkpointConfig = TrainConfig()
        checkpointConfig.training.seed = 7
        checkpointConfig.model.dropout = 0.3
        let resumed = try t.options.resuming(checkpointConfig)
        var expected = checkpointConfig
        expected.training.steps = 9
        expected.training.sampleEvery = 0
        #expect(resumed == expected)
    }

    @Test func flagsOverrideTheDefaults() throws {
        let t = try DDPM.Train.parse(["--dataset", "mnist", "--image-size", "8", "--base-channels", "8", "--channel-multipliers", "1, 2",
                                      "--res-blocks", "1", "--attention-resolutions", "none", "--timesteps", "20", "--steps", "6",
                                      "--batch-size", "4", "--schedule", "cosine", "--beta-max", "0.01", "--seed", "3", "--no-flip"])
        let c = try t.options.resolved()
        #expect(c.data.dataset == .mnist && c.data.flip == false)
        #expect(c.model.imageSize == 8 && c.model.baseChannels == 8 && c.model.channelMultipliers == [1, 2] && c.model.resBlocks == 1)
        #expect(c.model.attentionResolutions == [])
        #expect(c.diffusion.timesteps == 20 && c.diffusion.schedule == .cosine && c.diffusion.betaMax == 0.01)
        #expect(c.training.steps == 6 && c.training.batchSize == 4 && c.training.seed == 3)
        // Untouched keys keep their defaults.
        #expect(c.model.groups == 8 && c.training.learningRate == 2e-4)
        #expect(t.options.settings.givenFlags.count == 12, "\(t.options.settings.givenFlags)")
    }

    @Test func cifarImpliesItsImageShapeUnlessGiven() throws {
        let c = try DDPM.Train.parse(["--dataset", "cifar10"]).options.resolved()
        #expect(c.model.imageSize == 32 && c.model.channels == 3)
        // The default attention at 7×7 (third level of 28) moves to the third level of 32.
        #expect(c.model.attentionResolutions == [8])
        let d = try DDPM.Train.parse(["--dataset", "cifar10", "--image-size", "16", "--attention-resolutions", "4"]).options.resolved()
        #expect(d.model.imageSize == 16 && d.model.attentionResolutions == [4])
    }

    /// `ddpm help train` names every option's default (the flags are optional so that a config
    /// file can set them, which hides argument-parser's own "(default: …)").
    @Test func trainHelpShowsEveryDefault() throws {
        let help = DDPM.helpMessage(for: DDPM.Train.self, columns: 100_000)
        // An entry starts with "  -" and continues on more deeply indented lines (a long label
        // puts its description on the next line); section titles start in column 0.
        var entries: [String] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  -") { entries.append(String(line)) } else if line.hasPrefix("   "), !entries.isEmpty { entries[entries.count - 1] += String(line) }
        }
        let options = entries.filter { !$0.contains("--help") && !$0.contains("--version") }
        #expect(options.count > 30, "\(help)")
        for entry in options { #expect(entry.contains("(default"), "no default: \(entry)") }
        #expect(help.contains("Peak learning rate. (default: 0.0002)"), "\(help)")
    }

    @Test func attentionResolutionsNoneAlsoTurnsOffTheMiddleBlock() throws {
        let plain = try DDPM.Train.parse([]).options.resolved()
        #expect(plain.model.midAttention && plain.model.unetConfig.addAttention)
        let none = try DDPM.Train.parse(["--attention-resolutions", "none"]).options.resolved()
        #expect(none.model.attentionResolutions == [] && !none.model.midAttention && !none.model.unetConfig.addAttention)
        let midOnly = try DDPM.Train.parse(["--attention-resolutions", "none", "--mid-attention"]).options.resolved()
        #expect(midOnly.model.attentionResolutions == [] && midOnly.model.midAttention)
        let noMid = try DDPM.Train.parse(["--no-mid-attention"]).options.resolved()
        #expect(noMid.model.attentionResolutions == [7] && !noMid.model.midAttention)
    }

    @Test(arguments: ["", "1,x", "0,1", "-1", "2.5"])
    func badIntegerListsNameTheFlag(text: String) throws {
        let error = #expect(throws: CLIError.self) { try RunSettingsOptions.integers(text, flag: "--channel-multipliers") }
        #expect(error?.description.hasPrefix("--channel-multipliers \(text): expected positive integers") == true)
    }

    @Test func crossFieldChecksNameTheFlag() throws {
        var c = try DDPM.Train.parse([]).options.resolved()
        c.diffusion.timesteps = 1
        let error = #expect(throws: ConfigError.self) { try c.validate() }
        #expect(error?.description.hasPrefix("--timesteps must be at least 2") == true)
    }

    @Test func scheduleNeedsSomethingToDo() {
        #expect(throws: (any Error).self) { try DDPM.Schedule.parse([]) }
        #expect(throws: (any Error).self) { try DDPM.Schedule.parse(["--schedule", "foo", "--csv", "-"]) }
        #expect(throws: Never.self) { try DDPM.Schedule.parse(["--schedule", "cosine", "--csv", "-"]) }
    }
}
