// The new settings' errors that only a YAML config (or an extreme flag value) can reach, through
// the binary: one line naming the key or flag.
import Foundation
import Testing

@Suite struct NewSettingsConfigErrorTests {
    @Test func betasListThatDisagreesWithTimestepsIsNamed() throws {
        let work = try WorkFolder()
        try work.write(Array("diffusion:\n  betas: [0.1, 0.2]\n  timesteps: 3\n".utf8), to: "c.yaml")
        expectUserError(try work.ddpm("train", "--config", "c.yaml", "--run-dir", "r"),
                        mentions: ["diffusion.betas holds 2 betas", "diffusion.timesteps is 3"])
        try work.write(Array("diffusion:\n  betas: [0.1, 1.5]\n  timesteps: 2\n".utf8), to: "d.yaml")
        expectUserError(try work.ddpm("train", "--config", "d.yaml", "--run-dir", "r"), mentions: ["diffusion.betas: beta 2 is 1.5", "(0, 1)"])
        #expect(!work.exists("r"))
    }

    @Test func emptyClassesSubsetIsNamed() throws {
        let work = try WorkFolder()
        try work.write(Array("data:\n  classesSubset: []\n".utf8), to: "c.yaml")
        expectUserError(try work.ddpm("train", "--config", "c.yaml", "--run-dir", "r"), mentions: ["--classes-subset", "at least one class"])
    }

    @Test func classesSubsetWithNoTrainingImagesIsNamed() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        // The tiny IDX set's labels are 0-9: label 12 (a YAML config takes label numbers unchecked) matches none.
        try work.write(Array("data:\n  classesSubset: [12]\n".utf8), to: "c.yaml")
        let run = try work.ddpm(["train", "--config", "c.yaml"] + CLIPipelineTests.tinyModel + ["--run-dir", "r"])
        expectUserError(run, mentions: ["--classes-subset 12", "no training image has these labels"])
    }

    /// Accumulation keeps one micro-batch's activations, but a step gathers the whole effective
    /// batch's images and noise: 2^40 images of 28² cannot fit, and the error names the flag.
    @Test func effectiveBatchTooLargeForMemoryNamesGradAccumulation() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("train", "--batch-size", "4", "--grad-accumulation", "1099511627776", "--run-dir", "r")
        expectUserError(run, mentions: ["--grad-accumulation 1099511627776", "effective batch", "of memory", "use a smaller --grad-accumulation"])
        #expect(!work.exists("r"))
    }

    @Test func overflowingEffectiveBatchIsNamed() throws {
        let work = try WorkFolder()
        let run = try work.ddpm("train", "--batch-size", "4", "--grad-accumulation", "9223372036854775807", "--run-dir", "r")
        expectUserError(run, mentions: ["--grad-accumulation 9223372036854775807", "overflows"])
    }
}
