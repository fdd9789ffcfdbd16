// Loading a foreign diffusers folder from the command line: no schedule is an error naming
// --scheduler-config, and the flag makes it sample.
import DataIO
import Foundation
import Testing

@Suite struct InteropCLITests {
    @Test func foreignFolderWithoutScheduleNamesTheFlagThenSamplesWithIt() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        #expect(try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "1", "--run-dir", "run"]).status == 0)
        #expect(try work.ddpm("export", "--checkpoint", "run", "--out", "foreign").status == 0)
        var file = try SafetensorsFile.read(from: work.file("foreign/diffusion_pytorch_model.safetensors"))
        file.metadata["ddpm_diffusion"] = nil
        try file.write(to: work.file("foreign/diffusion_pytorch_model.safetensors"))
        try FileManager.default.moveItem(atPath: work.file("foreign/scheduler_config.json"), toPath: work.file("s.json"))

        let refused = try work.ddpm("sample", "--checkpoint", "foreign", "--n", "1", "--out", "g.png")
        expectUserError(refused, mentions: ["foreign", "no scheduler_config.json", "--scheduler-config FILE"])
        let sample = try work.ddpm("sample", "--checkpoint", "foreign", "--scheduler-config", "s.json", "--n", "1", "--out", "g.png")
        #expect(sample.status == 0, "\(sample)")
        let misplaced = try work.ddpm("sample", "--checkpoint", "run", "--scheduler-config", "s.json", "--n", "1", "--out", "h.png")
        expectUserError(misplaced, mentions: ["s.json", "--scheduler-config applies only to a diffusers model folder"])
    }
}
