import DataIO
import Foundation
@testable import Inception
import TensorCore
import Testing
import _TestSupport

/// The Swift Inception-v3 against pytorch-fid's own network with random weights, at 1/8 width
/// (fixtures: scripts/fixtures/make_inception_fixtures.py, pytorch-fid 0.3.0, torch 2.13.0+cpu; expected
/// values computed in float64, since torch's own float32 result is ~1e-4 off on this random network).
/// Each stage is run on torch's input to that stage, so a mismatch names the block type at fault;
/// the whole pipeline (gray → RGB, resize to 299, every block, pool3) is then checked end to end.
@Suite struct InceptionParityTests {
    static let fixtures = Bundle.module.resourcePath! + "/Fixtures/"
    static let narrow = InceptionArchitecture(widthDivisor: 8, inputSize: 299)

    static func model() throws -> InceptionV3 {
        try InceptionV3(weightsAt: fixtures + "inception_w8.safetensors", architecture: narrow)
    }

    static func io() throws -> [String: Tensor] {
        let file = try SafetensorsFile.read(from: fixtures + "inception_w8_io.safetensors")
        return file.tensors.mapValues { Tensor(shape: $0.shape, values: $0.floats) }
    }

    /// max |actual − expected| ≤ 1e-4 · max |expected|: relative to the tensor's scale, since
    /// post-ReLU activations have many exact zeros next to values of order one.
    static func relativeMismatch(_ actual: Tensor, _ expected: Tensor) -> String? {
        guard actual.shape == expected.shape else { return "shape \(actual.shape) != \(expected.shape)" }
        let scale = expected.scalars.map(abs).max() ?? 0
        return mismatch(actual.scalars, expected.scalars, rtol: 0, atol: 1e-4 * max(scale, 1e-6))
    }

    @Test func stemMatchesPyTorch() throws {
        let (net, io) = (try Self.model(), try Self.io())
        let image0 = io["rgb"]!.slice(axis: 0, 0..<1)
        let stem = withoutGrad { net.stem(net.prepared(image0)) }
        #expect(Self.relativeMismatch(stem, io["stem"]!) == nil)
    }

    /// (first block, last block, torch's input, torch's output): A ×3, B, C ×4, D, E_1, E_2.
    @Test(arguments: [
        ("Mixed_5b", "Mixed_5d", "stem", "Mixed_5d"),       // FIDInceptionA, count_include_pad=False
        ("Mixed_6a", "Mixed_6a", "Mixed_5d", "Mixed_6a"),   // InceptionB
        ("Mixed_6b", "Mixed_6e", "Mixed_6a", "Mixed_6e"),   // FIDInceptionC, 1×7 / 7×1
        ("Mixed_7a", "Mixed_7a", "Mixed_6e", "Mixed_7a"),   // InceptionD
        ("Mixed_7b", "Mixed_7b", "Mixed_7a", "Mixed_7b"),   // FIDInceptionE_1, average pool branch
        ("Mixed_7c", "Mixed_7c", "Mixed_7b", "Mixed_7c"),   // FIDInceptionE_2, max pool branch
    ])
    func mixedBlocksMatchPyTorch(_ c: (first: String, last: String, input: String, output: String)) throws {
        let (net, io) = (try Self.model(), try Self.io())
        let names = net.mixed.map(\.name)
        let range = names.firstIndex(of: c.first)!...names.firstIndex(of: c.last)!
        let y = withoutGrad { net.mixed[range].reduce(io[c.input]!) { h, block in block.stage(h) } }
        #expect(Self.relativeMismatch(y, io[c.output]!) == nil, "\(c.first)…\(c.last)")
    }

    @Test func poolFeaturesMatchPyTorchForRGBAndGrayImages() throws {
        let (net, io) = (try Self.model(), try Self.io())
        // Batch size 1 for RGB: batching must not change the features.
        let rgb = net.poolFeatures(images: io["rgb"]!, batchSize: 1)
        #expect(rgb.shape == [2, 256])
        #expect(Self.relativeMismatch(rgb, io["rgb_features"]!) == nil)
        let gray = net.poolFeatures(images: io["gray"]!)
        #expect(Self.relativeMismatch(gray, io["gray_features"]!) == nil)
    }

    @Test func pool3IsTheGlobalAverageOfMixed7c() throws {
        let (net, io) = (try Self.model(), try Self.io())
        let pooled = withoutGrad { net.globalAverage(io["Mixed_7c"]!) }
        #expect(Self.relativeMismatch(pooled, io["rgb_features"]!.slice(axis: 0, 0..<1)) == nil)
    }

    @Test func progressReportsEveryBatch() throws {
        let (net, io) = (try Self.model(), try Self.io())
        var done: [Int] = []
        _ = net.poolFeatures(images: io["rgb"]!, batchSize: 1) { done.append($0) }
        #expect(done == [1, 2])
    }
}
