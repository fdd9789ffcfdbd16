// A scale-shift (AdaGN) model trains, is stored in its config, and round-trips through the
// diffusers export as resnet_time_scale_shift "scale_shift".
import Foundation
import Testing
import TensorCore
import DataIO
@testable import Training

@Suite struct ScaleShiftExportTests {
    @Test func scaleShiftModelTrainsExportsAndLoadsBack() throws {
        let scratch = try Scratch()
        var config = Tiny.config(seed: 4)
        config.model.scaleShift = true
        config.training.steps = 3
        let trainer = try Tiny.trainer(config, in: scratch)
        try trainer.runLoop(shouldStop: { false })
        #expect(trainer.state.progress.step == 3)
        #expect(trainer.state.model.stateDict()["down_blocks.0.resnets.0.time_emb_proj.weight"]?.shape == [16, 32])

        let folder = scratch.file("export")
        try ModelSource.exportDiffusers(model: trainer.state.model, diffusion: config.diffusion, to: folder, overwrite: false)
        let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/config.json"))) as? [String: Any])
        #expect(json["resnet_time_scale_shift"] as? String == "scale_shift")
        #expect(json["attn_norm_num_groups"] as? Int == 4, "the mid-block attention keeps its norm in diffusers too")
        let source = try ModelSource.load(folder)
        #expect(source.config.model.scaleShift)
        let probe = Tiny.probe()
        #expect(source.model.predict(probe.x, timesteps: probe.t).scalars == trainer.state.model.predict(probe.x, timesteps: probe.t).scalars)
    }
}
