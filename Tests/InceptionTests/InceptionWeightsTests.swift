import DataIO
import Foundation
@testable import Inception
import TensorCore
import Testing
import _TestSupport

/// Strict loading: a weights file of another network, or one tensor off, is refused with one line
/// that names the file and the first bad tensor.
@Suite struct InceptionWeightsTests {
    static let fixture = InceptionParityTests.fixtures + "inception_w8.safetensors"

    /// The fixture's tensors with `edit` applied, written to a scratch file.
    static func edited(_ scratch: ScratchDirectory, _ edit: (inout [String: SafetensorsTensor]) -> Void) throws -> String {
        var file = try SafetensorsFile.read(from: fixture)
        edit(&file.tensors)
        let path = scratch.path + "/edited.safetensors"
        try file.write(to: path)
        return path
    }

    static func loadError(_ path: String, _ architecture: InceptionArchitecture = InceptionParityTests.narrow) -> String? {
        do {
            _ = try InceptionV3(weightsAt: path, architecture: architecture)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func fixtureLoadsAndHasEveryLayer() throws {
        let net = try InceptionParityTests.model()
        #expect(net.mixed.map(\.name) == ["Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c",
                                          "Mixed_6d", "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c"])
        #expect(net.metadata["width_divisor"] == "8")
    }

    @Test func weightsOfTheWrongNetworkAreRefused() throws {
        // A diffusers-style UNet checkpoint: nothing of Inception in it.
        let scratch = try ScratchDirectory()
        let path = scratch.path + "/unet.safetensors"
        try SafetensorsFile(tensors: ["conv_in.weight": SafetensorsTensor(shape: [32, 1, 3, 3], floats: .init(repeating: 0, count: 288))])
            .write(to: path)
        let message = try #require(Self.loadError(path, .standard))
        #expect(message.contains(path))
        #expect(message.contains("is not the FID Inception-v3"))
        #expect(message.contains("Conv2d_1a_3x3.conv.weight is missing"))
        #expect(message.contains("conv_in.weight"))
        #expect(message.contains("scripts/convert-inception.sh"))
        #expect(!message.contains("\n"))
    }

    @Test func theFullNetworkRefusesNarrowWeightsByShape() throws {
        let message = try #require(Self.loadError(Self.fixture, .standard))
        #expect(message.contains("Conv2d_1a_3x3.conv.weight has shape [4, 3, 3, 3], expected [32, 3, 3, 3]"))
    }

    @Test func aMissingTensorDeepInsideIsNamed() throws {
        let scratch = try ScratchDirectory()
        let path = try Self.edited(scratch) { $0["Mixed_7c.branch_pool.bn.running_var"] = nil }
        let message = try #require(Self.loadError(path))
        #expect(message.contains("Mixed_7c.branch_pool.bn.running_var is missing"))
    }

    @Test func aTransposedAsymmetricKernelIsNamed() throws {
        // 1×7 stored as 7×1: same element count, different shape.
        let scratch = try ScratchDirectory()
        let name = "Mixed_6b.branch7x7_2.conv.weight"
        let path = try Self.edited(scratch) {
            let t = $0[name]!
            $0[name] = SafetensorsTensor(dtype: t.dtype, shape: [t.shape[0], t.shape[1], 7, 1], data: t.data)
        }
        let message = try #require(Self.loadError(path))
        #expect(message.contains("\(name) has shape [16, 16, 7, 1], expected [16, 16, 1, 7]"))
    }

    @Test func extraTensorsAreRefused() throws {
        // pytorch-fid's .pth also holds the classifier; the converter drops it, the loader insists.
        let scratch = try ScratchDirectory()
        let path = try Self.edited(scratch) { $0["fc.weight"] = SafetensorsTensor(shape: [2], floats: [1, 2]) }
        let message = try #require(Self.loadError(path))
        #expect(message.contains("1 tensor(s) the network does not use, e.g. fc.weight"))
    }

    @Test func wrongDTypeIsNamed() throws {
        let scratch = try ScratchDirectory()
        let name = "Conv2d_2a_3x3.bn.bias"
        let path = try Self.edited(scratch) { $0[name] = SafetensorsTensor(shape: [4], int64s: [0, 0, 0, 0]) }
        let message = try #require(Self.loadError(path))
        #expect(message.contains("\(name) is I64, expected F32"))
    }

    @Test func anUnreadableFileNamesItself() throws {
        let message = try #require(Self.loadError("/nonexistent/inception.safetensors"))
        #expect(message.contains("/nonexistent/inception.safetensors"))
    }

    @Test func batchNormIsFoldedIntoTheConvolution() {
        // One channel, 1×1 kernel w = 2: BN(γ = 3, β = 0.5, mean = 1, var = 4 − eps) gives
        // relu(3 · (2x − 1) / 2 + 0.5) = relu(3x − 1).
        let eps = Float(ConvBNReLU.batchNormEpsilon)
        let layer = ConvBNReLU(weight: [2], shape: [1, 1, 1, 1], gamma: [3], beta: [0.5], mean: [1], variance: [4 - eps],
                               stride: 1, padding: (0, 0))
        let x = Tensor(shape: [1, 1, 1, 3], values: [-1, 0.5, 2])
        #expect(mismatch(withoutGrad { layer(x) }.scalars, [0, 0.5, 5], rtol: 1e-6, atol: 1e-6) == nil)
    }
}
