// A diffusers folder that does not state its schedule is an error naming --scheduler-config, and
// that flag's file is what it then samples with; silent fallbacks in loading are errors.
import Foundation
import Testing
import DataIO
import Diffusion
@testable import Training

@Suite struct ForeignSchedulerTests {
    /// An export stripped of ddpm's metadata and of scheduler_config.json: a foreign folder.
    static func foreignFolder(in scratch: Scratch, classes: Int? = nil) throws -> String {
        let folder = scratch.file("foreign")
        let state = try TrainingState(config: Tiny.config(seed: 1, classes: classes))
        try ModelSource.exportDiffusers(model: state.model, diffusion: state.config.diffusion,
                                        classNames: classes.map { ClassNames(count: $0) }, to: folder, overwrite: false)
        let weightsPath = folder + "/" + ModelSource.diffusersWeights
        var file = try SafetensorsFile.read(from: weightsPath)
        file.metadata["ddpm_diffusion"] = nil
        try file.write(to: weightsPath)
        try FileManager.default.removeItem(atPath: folder + "/" + ModelSource.diffusersScheduler)
        return folder
    }

    @Test func missingScheduleNamesTheFlag() throws {
        let scratch = try Scratch()
        let folder = try Self.foreignFolder(in: scratch)
        let error = #expect(throws: CheckpointError.self) { try ModelSource.load(folder) }
        #expect(error?.description.contains("pass --scheduler-config FILE") == true, "\(String(describing: error))")
    }

    @Test func schedulerConfigFileGivesTheSchedule() throws {
        let scratch = try Scratch()
        let folder = try Self.foreignFolder(in: scratch)
        let json = #"{"num_train_timesteps": 30, "beta_start": 0.001, "beta_end": 0.05, "beta_schedule": "scaled_linear"}"#
        try Data(json.utf8).write(to: URL(fileURLWithPath: scratch.file("s.json")))
        let d = try ModelSource.load(folder, schedulerConfig: scratch.file("s.json")).config.diffusion
        #expect(d.schedule == .scaledLinear && d.timesteps == 30 && d.betaMin == 0.001 && d.betaMax == 0.05)
        // A bad file is named.
        try Data("{\"prediction_type\": \"v_prediction\"}".utf8).write(to: URL(fileURLWithPath: scratch.file("v.json")))
        let error = #expect(throws: CheckpointError.self) { try ModelSource.load(folder, schedulerConfig: scratch.file("v.json")) }
        #expect(error?.description.contains("v.json") == true && error?.description.contains("epsilon") == true)
    }

    @Test func schedulerConfigForACheckpointIsRefused() throws {
        let scratch = try Scratch()
        let trainer = try Tiny.trainer({ var c = Tiny.config(); c.training.steps = 1; return c }(), in: scratch)
        try trainer.runLoop(shouldStop: { false })
        try Data("{}".utf8).write(to: URL(fileURLWithPath: scratch.file("s.json")))
        let error = #expect(throws: CheckpointError.self) { try ModelSource.load(trainer.run.path, schedulerConfig: scratch.file("s.json")) }
        #expect(error?.description.contains("--scheduler-config applies only to a diffusers model folder") == true)
    }

    @Test func unreadableClassNamesMetadataIsAnError() throws {
        let scratch = try Scratch()
        let folder = try Self.foreignFolder(in: scratch, classes: 2)
        try Data(#"{"beta_schedule": "linear", "num_train_timesteps": 50}"#.utf8).write(to: URL(fileURLWithPath: folder + "/" + ModelSource.diffusersScheduler))
        #expect(try ModelSource.load(folder).config.model.classNames == ["0", "1"])
        let weightsPath = folder + "/" + ModelSource.diffusersWeights
        var file = try SafetensorsFile.read(from: weightsPath)
        file.metadata["ddpm_class_names"] = "[\"only one\"]"
        try file.write(to: weightsPath)
        let error = #expect(throws: CheckpointError.self) { try ModelSource.load(folder) }
        #expect(error?.description.contains("ddpm_class_names") == true)
    }
}
