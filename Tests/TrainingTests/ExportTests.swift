// The diffusers export: config.json + diffusion_pytorch_model.safetensors that load back into
// the same model, with the diffusion settings riding along.
import DataIO
import Diffusion
import Foundation
import NN
import Testing
import Training

@Suite struct ExportTests {
    @Test func exportedFolderLoadsBackWithTheSamePredictions() throws {
        let scratch = try Scratch()
        var config = Tiny.config(seed: 4, classes: 3)
        config.model.classNames = ["cat", "dog", "fish"]
        config.diffusion.schedule = .cosine
        config.diffusion.timesteps = 40
        let state = try TrainingState(config: config)
        let folder = scratch.file("export")
        try ModelSource.exportDiffusers(model: state.model, diffusion: config.diffusion,
                                        classNames: ClassNames(config.model.classNames!), to: folder, overwrite: false)

        let source = try ModelSource.load(folder)
        #expect(source.weightsFile == folder + "/" + ModelSource.diffusersWeights)
        #expect(source.step == nil)
        #expect(source.model.config == state.model.config)
        #expect(source.config.model == config.model)
        #expect(source.config.diffusion == config.diffusion)
        // Without stored names, a label is its number (not some dataset's names).
        try ModelSource.exportDiffusers(model: state.model, diffusion: config.diffusion, to: scratch.file("unnamed"), overwrite: false)
        #expect(try ModelSource.load(scratch.file("unnamed")).config.model.classNames == ["0", "1", "2"])
        let (x, t) = Tiny.probe()
        #expect(bits(source.model.predict(x, timesteps: t, classLabels: [0, 2, 3]))
                == bits(state.model.predict(x, timesteps: t, classLabels: [0, 2, 3])))

        // diffusers' keys, no ddpm prefixes.
        let weights = try SafetensorsFile.read(from: source.weightsFile)
        #expect(weights.tensors["conv_in.weight"] != nil && weights.tensors.keys.allSatisfy { !$0.hasPrefix("model.") })
        let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/config.json"))) as? [String: Any])
        #expect(json["_class_name"] as? String == "UNet2DModel")
        #expect(json["sample_size"] as? Int == 8)
    }

    /// An attention-free model (no attention at any level, none in the middle block) exports as
    /// diffusers' `add_attention: false` with no attention tensors, and loads back as such.
    @Test func midBlockAttentionSwitchRoundTripsAsAddAttention() throws {
        let scratch = try Scratch()
        var config = Tiny.config(seed: 5)
        config.model.attentionResolutions = []
        config.model.midAttention = false
        let state = try TrainingState(config: config)
        let folder = scratch.file("export")
        try ModelSource.exportDiffusers(model: state.model, diffusion: config.diffusion, to: folder, overwrite: false)
        let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/config.json"))) as? [String: Any])
        #expect(json["add_attention"] as? Bool == false)
        let weights = try SafetensorsFile.read(from: folder + "/" + ModelSource.diffusersWeights)
        #expect(!weights.tensors.keys.contains { $0.contains("attention") }, "\(weights.tensors.keys.sorted())")
        let source = try ModelSource.load(folder)
        #expect(source.config.model.midAttention == false && source.config.model.attentionResolutions == [])
        #expect(source.model.config.addAttention == false)
        #expect(source.config.model == config.model)
        // The default keeps the middle block's attention: its tensors are exported.
        let withMid = try TrainingState(config: Tiny.config(seed: 5))
        #expect(withMid.model.stateDict().keys.contains { $0.hasPrefix("mid_block.attentions.") })
    }

    @Test func exportRefusesToOverwriteWithoutPermission() throws {
        let scratch = try Scratch()
        let folder = scratch.file("export")
        let a = try TrainingState(config: Tiny.config(seed: 1)), b = try TrainingState(config: Tiny.config(seed: 2))
        try ModelSource.exportDiffusers(model: a.model, diffusion: a.config.diffusion, to: folder, overwrite: false)
        let error = #expect(throws: FileError.self) {
            try ModelSource.exportDiffusers(model: b.model, diffusion: b.config.diffusion, to: folder, overwrite: false)
        }
        #expect(error?.description == "cannot write \(folder): it already holds an exported model; pass --force to overwrite it")
        let (x, t) = Tiny.probe()
        #expect(bits(try ModelSource.load(folder).model.predict(x, timesteps: t)) == bits(a.model.predict(x, timesteps: t)))
        try ModelSource.exportDiffusers(model: b.model, diffusion: b.config.diffusion, to: folder, overwrite: true)
        #expect(bits(try ModelSource.load(folder).model.predict(x, timesteps: t)) == bits(b.model.predict(x, timesteps: t)))
    }

    @Test func runFolderWithoutCheckpointsIsReported() throws {
        let scratch = try Scratch()
        let run = RunDirectory(path: scratch.file("run"))
        try run.createForNewRun(force: false)
        let error = #expect(throws: CheckpointError.self) { try ModelSource.load(run.path) }
        let text = error?.description ?? ""
        #expect(text.hasPrefix(run.path + ": ") && text.contains("checkpoints/step-*.safetensors"), "\(text)")
        #expect(!text.contains("--resume"), "sample and export take the folder as --checkpoint: \(text)")
    }

    /// A diffusion-settings block that is present but unreadable must not fall back to the default
    /// schedule (the model would sample with the wrong one): the load fails, naming the file.
    @Test func corruptDiffusionSettingsInAnExportAreAnError() throws {
        let scratch = try Scratch()
        let folder = scratch.file("export")
        var config = Tiny.config(seed: 1)
        config.diffusion.schedule = .cosine
        let state = try TrainingState(config: config)
        try ModelSource.exportDiffusers(model: state.model, diffusion: config.diffusion, to: folder, overwrite: false)
        let weightsPath = folder + "/" + ModelSource.diffusersWeights
        var file = try SafetensorsFile.read(from: weightsPath)
        file.metadata["ddpm_diffusion"] = #"{"schedul": "cosine"}"#
        try file.write(to: weightsPath)
        let error = #expect(throws: CheckpointError.self) { try ModelSource.load(folder) }
        let text = error?.description ?? ""
        #expect(text.hasPrefix(weightsPath + ": ") && text.contains("ddpm_diffusion"), "\(text)")

        // Plain diffusers weights (no block at all) take the schedule from scheduler_config.json.
        file.metadata["ddpm_diffusion"] = nil
        try file.write(to: weightsPath)
        let loaded = try ModelSource.load(folder).config.diffusion
        #expect(loaded.schedule == .cosine && loaded.timesteps == config.diffusion.timesteps && loaded.cosineOffset == 0.008)
    }

    /// The export's scheduler_config.json names the schedule where diffusers has the same formula,
    /// and lists the betas otherwise.
    @Test(arguments: [(BetaSchedule.linear, "linear"), (.cosine, "squaredcos_cap_v2"), (.scaledLinear, "scaled_linear"),
                      (.sigmoid, "sigmoid"), (.quadratic, nil), (.log, nil)] as [(BetaSchedule, String?)])
    func exportWritesDiffusersSchedulerConfig(schedule: BetaSchedule, diffusersName: String?) throws {
        let scratch = try Scratch()
        var config = Tiny.config(seed: 1)
        config.diffusion.schedule = schedule
        config.diffusion.betaMin = 2e-4
        config.diffusion.betaMax = 0.03
        let state = try TrainingState(config: config)
        let folder = scratch.file("export")
        try ModelSource.exportDiffusers(model: state.model, diffusion: config.diffusion, to: folder, overwrite: false)
        let url = URL(fileURLWithPath: folder + "/" + ModelSource.diffusersScheduler)
        let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        #expect(json["_class_name"] as? String == "DDPMScheduler")
        #expect(json["num_train_timesteps"] as? Int == 50 && json["prediction_type"] as? String == "epsilon")
        #expect(json["beta_start"] as? Double == 2e-4 && json["beta_end"] as? Double == 0.03)
        if let diffusersName {
            #expect(json["beta_schedule"] as? String == diffusersName && json["trained_betas"] == nil)
        } else {
            // Decoded with JSONDecoder, which reads a double's shortest form back exactly.
            let scheduler = try JSONDecoder().decode(DiffusersScheduler.self, from: Data(contentsOf: url))
            #expect(scheduler.trainedBetas == (try schedule.betas(config.diffusion.scheduleParameters)))
        }

        // Without ddpm's metadata the folder is a foreign one: named schedules load from the file,
        // listed betas load as custom betas (as --betas-file), exactly.
        let weightsPath = folder + "/" + ModelSource.diffusersWeights
        var file = try SafetensorsFile.read(from: weightsPath)
        file.metadata["ddpm_diffusion"] = nil
        try file.write(to: weightsPath)
        let d = try ModelSource.load(folder).config.diffusion
        if diffusersName != nil {
            #expect(d.schedule == schedule && d.timesteps == 50 && d.betaMin == 2e-4 && d.betaMax == 0.03 && d.betas == nil)
        } else {
            #expect(d.betas == (try schedule.betas(config.diffusion.scheduleParameters)) && d.timesteps == 50)
            #expect(try d.noiseTables().alphaBar == config.diffusion.noiseTables().alphaBar)
        }
    }

    /// A foreign folder without scheduler_config.json is an error that says what to add; it is
    /// never sampled with an assumed linear 1e-4…0.02, T = 1000.
    @Test func foreignFolderWithoutSchedulerConfigIsAnError() throws {
        let scratch = try Scratch()
        let folder = scratch.file("export")
        let state = try TrainingState(config: Tiny.config(seed: 1))
        try ModelSource.exportDiffusers(model: state.model, diffusion: state.config.diffusion, to: folder, overwrite: false)
        let weightsPath = folder + "/" + ModelSource.diffusersWeights
        var file = try SafetensorsFile.read(from: weightsPath)
        file.metadata["ddpm_diffusion"] = nil
        try file.write(to: weightsPath)
        try FileManager.default.removeItem(atPath: folder + "/" + ModelSource.diffusersScheduler)
        let error = #expect(throws: CheckpointError.self) { try ModelSource.load(folder) }
        let text = error?.description ?? ""
        #expect(text.hasPrefix(folder + ": no scheduler_config.json") && text.contains("beta_schedule"), "\(text)")
    }

    /// A run folder whose checkpoints cannot be listed is an error, not a run without checkpoints.
    @Test func unreadableCheckpointsFolderIsAnError() throws {
        let scratch = try Scratch()
        let run = RunDirectory(path: scratch.file("run"))
        try FileManager.default.createDirectory(atPath: run.path, withIntermediateDirectories: true)
        // A file where the folder should be: listing fails even for root (chmod would not).
        try Data("x".utf8).write(to: URL(fileURLWithPath: run.checkpointsPath))
        let error = #expect(throws: FileError.self) { try run.stepCheckpoints() }
        #expect(error?.description == "cannot list \(run.checkpointsPath): a part of the path is a file, not a folder; choose a path inside a folder",
                "\(String(describing: error))")
        #expect(throws: FileError.self) { try ModelSource.load(run.path) }
        // A folder with no checkpoints folder at all has none.
        #expect(try RunDirectory(path: scratch.file("empty")).stepCheckpoints().isEmpty)
    }
}
