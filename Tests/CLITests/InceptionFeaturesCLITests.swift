// `ddpm inception-features`: the error paths (the real weights are 87 MB and not in the repo), and
// with DDPM_INCEPTION_WEIGHTS pointing at a converted file, the happy path.
import DataIO
import Foundation
import Testing

@Suite struct InceptionFeaturesCLITests {
    static func writeImages(in work: WorkFolder, count: Int = 2) throws {
        try FileManager.default.createDirectory(atPath: work.file("images"), withIntermediateDirectories: true)
        for i in 0..<count {
            let pixels = (0..<(8 * 8 * 3)).map { UInt8(($0 * 7 + i * 31) % 256) }
            try PNGImage(width: 8, height: 8, channels: 3, pixels: pixels).write(to: work.file("images/\(i).png"), overwrite: false)
        }
    }

    @Test func weightsOfAnotherNetworkAreRefusedByName() throws {
        let work = try WorkFolder()
        try Self.writeImages(in: work)
        try SafetensorsFile(tensors: ["conv_in.weight": SafetensorsTensor(shape: [2], floats: [0, 1])]).write(to: work.file("unet.safetensors"))
        let run = try work.ddpm("inception-features", "--weights", "unet.safetensors", "--images", "images", "--out", "f.npy")
        expectUserError(run, mentions: ["unet.safetensors", "is not the FID Inception-v3", "Conv2d_1a_3x3.conv.weight", "convert-inception.sh"])
        #expect(!work.exists("f.npy"))
    }

    @Test func missingWeightsNameTheFile() throws {
        let work = try WorkFolder()
        try Self.writeImages(in: work)
        let run = try work.ddpm("inception-features", "--weights", "nothing.safetensors", "--images", "images", "--out", "f.npy")
        expectUserError(run, mentions: ["nothing.safetensors"])
    }

    @Test func existingOutputNeedsForce() throws {
        let work = try WorkFolder()
        try Data("keep".utf8).write(to: URL(fileURLWithPath: work.file("f.npy")))
        let run = try work.ddpm("inception-features", "--weights", "w.safetensors", "--images", "images", "--out", "f.npy")
        expectUserError(run, mentions: ["--out f.npy", "--force"])
        #expect(try String(contentsOfFile: work.file("f.npy"), encoding: .utf8) == "keep")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["DDPM_INCEPTION_WEIGHTS"] != nil,
                   "set DDPM_INCEPTION_WEIGHTS to a file made by scripts/convert-inception.sh"))
    func realWeightsWriteOneRowOf2048PerImage() throws {
        let work = try WorkFolder()
        try Self.writeImages(in: work, count: 3)
        let weights = ProcessInfo.processInfo.environment["DDPM_INCEPTION_WEIGHTS"]!
        let run = try work.ddpm("inception-features", "--weights", weights, "--images", "images", "--out", "f.npy", "--batch-size", "2")
        #expect(run.status == 0, "\(run)")
        let bytes = try DurableFile.read(work.file("f.npy"))
        #expect(String(decoding: bytes[10..<80], as: UTF8.self).contains("'shape': (3, 2048)"))
        #expect(bytes.count == 128 + 3 * 2048 * 4)
    }
}
