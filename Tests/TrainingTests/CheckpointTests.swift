// Checkpoints: what is written comes back, a reloaded model predicts the same, every unusable file
// gives one line naming the file and the problem, and a writer killed mid-write leaves the old file.
import DataIO
import Foundation
import NN
import Testing
import TensorCore
@testable import Training

@Suite struct CheckpointTests {
    /// A state two steps into training, with validation bookkeeping, so nothing is at its default.
    static func trainedState(in scratch: Scratch) throws -> TrainingState {
        var config = Tiny.config(seed: 7, classes: 2)
        config.training.steps = 2
        config.training.validateEvery = 1
        let trainer = try Tiny.trainer(config, in: scratch, validation: Tiny.shapes(count: 8))
        try trainer.runLoop(shouldStop: { false })
        return trainer.state
    }

    @Test func writeThenReadPreservesConfigProgressAndTensors() throws {
        let scratch = try Scratch()
        let state = try Self.trainedState(in: scratch)
        let original = state.checkpoint()
        #expect(original.progress.step == 2 && original.progress.bestValidationLoss != nil && original.progress.emaUpdates == 2)
        let path = scratch.file("c.safetensors")
        try original.write(to: path)
        let read = try Checkpoint.read(from: path)
        #expect(read.config == original.config)
        #expect(read.progress == original.progress)
        #expect(read.model == original.model)
        #expect(read.ema == original.ema)
        #expect(read.model != read.ema, "EMA and raw weights differ after two steps with decay 0.9")
        #expect(bits(try #require(read.optimizerM)) == bits(try #require(original.optimizerM)))
        #expect(bits(try #require(read.optimizerV)) == bits(try #require(original.optimizerV)))
    }

    @Test func savedModelPredictsExactlyLikeTheOriginal() throws {
        let scratch = try Scratch()
        let state = try Self.trainedState(in: scratch)
        let path = scratch.file("c.safetensors")
        try state.checkpoint().write(to: path)
        let (x, t) = Tiny.probe()
        let labels = [0, 1, 2]  // 2 is the "no class" label of a 2-class model

        let raw = try ModelSource.load(path, useEMA: false)
        #expect(bits(raw.model.predict(x, timesteps: t, classLabels: labels)) == bits(state.model.predict(x, timesteps: t, classLabels: labels)))

        let ema = try ModelSource.load(path, useEMA: true)
        let emaModel = UNet(state.config.model.unetConfig)
        try emaModel.load(state.emaStateDict())
        #expect(bits(ema.model.predict(x, timesteps: t, classLabels: labels)) == bits(emaModel.predict(x, timesteps: t, classLabels: labels)))
        #expect(bits(ema.model.predict(x, timesteps: t, classLabels: labels)) != bits(raw.model.predict(x, timesteps: t, classLabels: labels)))

        // A resumed state holds the same weights, EMA and moments.
        let resumed = try TrainingState(resuming: try Checkpoint.read(from: path), path: path)
        #expect(bits(resumed.parameters.values) == bits(state.parameters.values))
        #expect(bits(resumed.ema.shadow) == bits(state.ema.shadow))
        #expect(bits(resumed.optimizer.m) == bits(state.optimizer.m))
        #expect(resumed.optimizer.step == 2 && resumed.ema.updates == 2)
    }

    // MARK: - Unusable files

    /// Reads `path` both ways a user can (a checkpoint file for sampling, and for --resume) and returns
    /// the error text, which must be the same kind of one-liner either way.
    static func loadError(_ path: String) -> String? {
        do {
            _ = try ModelSource.load(path)
            return nil
        } catch {
            let text = "\(error)"
            #expect(!text.contains("\n"), "one line: \(text)")
            #expect(text.hasPrefix(path + ": "), "starts with the file: \(text)")
            #expect(!text.dropFirst(path.count + 2).contains(path), "names the file once: \(text)")
            return text
        }
    }

    static func resumeError(_ path: String) -> String? {
        do {
            _ = try TrainingState(resuming: try Checkpoint.read(from: path), path: path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func truncatedFileIsRejectedNamingTheFile() throws {
        let scratch = try Scratch()
        let good = scratch.file("good.safetensors"), cut = scratch.file("cut.safetensors")
        try TrainingState(config: Tiny.config()).checkpoint().write(to: good)
        let bytes = try DurableFile.read(good)
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: cut))
        let text = try #require(Self.loadError(cut))
        #expect(text.contains("truncated"), "\(text)")
        // (Not compared verbatim: the reader names whichever cut tensor its header dictionary visits first.)
        let resume = try #require(Self.resumeError(cut))
        #expect(resume.hasPrefix(cut + ": ") && resume.contains("truncated"), "\(resume)")
    }

    @Test func nonSafetensorsFileIsRejectedNamingTheFile() throws {
        let scratch = try Scratch()
        let path = scratch.file("notes.safetensors")
        try "these are not weights\n".write(toFile: path, atomically: true, encoding: .utf8)
        let text = try #require(Self.loadError(path))
        #expect(text.contains("not a safetensors file"), "\(text)")
    }

    @Test func safetensorsWithoutDDPMMetadataIsNotACheckpoint() throws {
        let scratch = try Scratch()
        let path = scratch.file("plain.safetensors")
        try SafetensorsFile(tensors: ["w": SafetensorsTensor(shape: [2], floats: [1, 2])]).write(to: path)
        let text = try #require(Self.loadError(path))
        #expect(text.contains("not a ddpm checkpoint"), "\(text)")
    }

    /// Rewrites a valid checkpoint with `edit` applied to its tensors.
    static func editedCheckpoint(in scratch: Scratch, _ edit: (inout [String: SafetensorsTensor]) -> Void) throws -> String {
        let path = scratch.file("edited.safetensors")
        try TrainingState(config: Tiny.config()).checkpoint().write(to: path)
        var file = try SafetensorsFile.read(from: path)
        edit(&file.tensors)
        try file.write(to: path)
        return path
    }

    @Test func checkpointMissingATensorNamesTheFileAndTheTensor() throws {
        let scratch = try Scratch()
        let path = try Self.editedCheckpoint(in: scratch) { t in
            t["model.conv_in.bias"] = nil
            t["ema.conv_in.bias"] = nil
        }
        let text = try #require(Self.loadError(path))
        #expect(text.contains("missing") && text.contains("conv_in.bias"), "\(text)")
        let resume = try #require(Self.resumeError(path))
        #expect(resume.hasPrefix(path + ": ") && resume.contains("conv_in.bias"), "\(resume)")
    }

    @Test func checkpointWithAMisshapedTensorNamesTheTensorAndBothShapes() throws {
        let scratch = try Scratch()
        let path = try Self.editedCheckpoint(in: scratch) { t in
            t["ema.conv_out.bias"] = SafetensorsTensor(shape: [2], floats: [0, 0])
        }
        let text = try #require(Self.loadError(path))
        #expect(text.contains("conv_out.bias") && text.contains("[2]") && text.contains("[1]"), "\(text)")
        // The raw weights are intact, but a resume needs the EMA weights too.
        #expect(throws: Never.self) { try ModelSource.load(path, useEMA: false) }
        let resume = try #require(Self.resumeError(path))
        #expect(resume.hasPrefix(path + ": ") && resume.contains("EMA") && resume.contains("conv_out.bias"), "\(resume)")
    }

    @Test func checkpointWithShortOptimizerStateIsRejectedOnResume() throws {
        let scratch = try Scratch()
        let path = try Self.editedCheckpoint(in: scratch) { t in
            t["optimizer.m"] = SafetensorsTensor(shape: [3], floats: [0, 0, 0])
        }
        let resume = try #require(Self.resumeError(path))
        #expect(resume.hasPrefix(path + ": ") && resume.contains("optimizer state has 3 values"), "\(resume)")
    }

    @Test func missingFileIsReportedAsSuch() throws {
        let scratch = try Scratch()
        let text = try #require(Self.loadError(scratch.file("nowhere.safetensors")))
        #expect(text.contains("no such file"), "\(text)")
    }

    // MARK: - Crash safety

    /// A run folder with a checkpoint at step 5, and that file's size.
    static func runWithCheckpoint(in scratch: Scratch) throws -> (RunDirectory, path: String, Checkpoint, size: Int) {
        let run = RunDirectory(path: scratch.file("run"))
        try run.createSubfolders()
        let path = run.checkpointPath(step: 5)
        let checkpoint = try TrainingState(config: Tiny.config(seed: 1)).checkpoint()
        try checkpoint.write(to: path)
        return (run, path, checkpoint, try DurableFile.read(path).count)
    }

    /// In the child: cap the file size at half a checkpoint, then overwrite `path` with another one.
    /// With SIGXFSZ at its default the kernel kills the writer in the middle of the write.
    static func overwriteUnderSizeLimit(_ path: String, size: Int) throws {
        var limit = rlimit(rlim_cur: rlim_t(size / 2), rlim_max: rlim_t(size / 2))
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
        try TrainingState(config: Tiny.config(seed: 2)).checkpoint().write(to: path)
    }

    /// A writer killed half-way through a checkpoint leaves the previous checkpoint intact, and the
    /// run folder still finds it (not the stray temporary file).
    @Test func writerKilledMidWriteLeavesThePreviousCheckpoint() async throws {
        let scratch = try Scratch()
        let (run, path, before, size) = try Self.runWithCheckpoint(in: scratch)

        await #expect(processExitsWith: .signal(SIGXFSZ)) { [path = path as String, size = size as Int] in
            // Default action, and unblocked: test threads (libdispatch workers) block async signals,
            // and a blocked SIGXFSZ only makes write(2) fail with EFBIG.
            signal(SIGXFSZ, SIG_DFL)
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGXFSZ)
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            try CheckpointTests.overwriteUnderSizeLimit(path, size: size)
        }

        // The child died after creating its temporary file, next to the target.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.checkpointsPath).filter { $0.hasPrefix(".") }
        #expect(leftovers.count == 1 && leftovers.first?.hasPrefix(".step-00000005.safetensors.tmp-") == true, "\(leftovers)")
        #expect(try Checkpoint.read(from: path).model == before.model)
        #expect(try run.stepCheckpoints().map(\.path) == [path])
        #expect(try ModelSource.load(run.path, useEMA: false).step == 0)
    }

    /// The same write failing without killing the process (SIGXFSZ ignored, so write(2) returns
    /// EFBIG) is an error naming the file, removes its temporary file and keeps the old checkpoint.
    @Test func failedWriteNamesTheFileAndKeepsThePreviousCheckpoint() async throws {
        let scratch = try Scratch()
        let (run, path, before, size) = try Self.runWithCheckpoint(in: scratch)

        await #expect(processExitsWith: .exitCode(42)) { [path = path as String, size = size as Int] in
            signal(SIGXFSZ, SIG_IGN)
            do { try CheckpointTests.overwriteUnderSizeLimit(path, size: size) } catch {
                let text = "\(error)"
                exit(text.hasPrefix("cannot write " + path + ": file too large") ? 42 : 1)
            }
        }

        #expect(try FileManager.default.contentsOfDirectory(atPath: run.checkpointsPath) == ["step-00000005.safetensors"])
        #expect(try Checkpoint.read(from: path).model == before.model)
    }
}
