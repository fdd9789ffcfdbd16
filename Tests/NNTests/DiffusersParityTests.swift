import Foundation
import Testing
import DataIO
@testable import NN
import TensorCore
import _TestSupport

/// diffusers `UNet2DModel`s with random weights (scripts/fixtures/make_unet_fixtures.py) load into
/// our UNet by name and give the same output. No Python is needed to run this.
@Suite struct DiffusersParityTests {
    static let fixtures = ["attn28", "class28", "ddpmstyle28", "noattn32", "plain32", "scaleshift16", "scaleshiftnorm16"]

    static func directory(_ name: String) -> String {
        Bundle.module.resourcePath! + "/Fixtures/unet/" + name
    }

    static func loadModel(_ name: String) throws -> UNet {
        let dir = directory(name)
        let config = try JSONDecoder().decode(UNetConfig.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/config.json")))
        let weights = try SafetensorsFile.read(from: dir + "/diffusion_pytorch_model.safetensors")
        let model = UNet(config)
        try model.load(weights.tensors.mapValues { NamedTensorData(shape: $0.shape, values: $0.floats) })
        return model
    }

    @Test(arguments: fixtures)
    func forwardPassMatchesDiffusers(_ name: String) throws {
        let model = try Self.loadModel(name)
        let io = try SafetensorsFile.read(from: Self.directory(name) + "/io.safetensors")
        let sample = io.tensors["sample"]!, expected = io.tensors["expected"]!
        let labels = io.tensors["class_labels"].map { $0.floats.map { Int($0) } }
        let y = model.predict(Tensor(shape: sample.shape, values: sample.floats), timesteps: io.tensors["timestep"]!.floats,
                              classLabels: labels)
        #expect(y.shape == expected.shape)
        // Relative to the output's scale: float32 through ~40 layers in another summation order.
        let scale = expected.floats.map(abs).max()!
        #expect(mismatch(y.scalars, expected.floats, rtol: 1e-4, atol: 1e-4 * scale) == nil)
    }

    @Test(arguments: fixtures)
    func parameterCountMatchesDiffusers(_ name: String) throws {
        let io = try SafetensorsFile.read(from: Self.directory(name) + "/io.safetensors")
        #expect(try Self.loadModel(name).parameterCount == Int(io.metadata["param_count"]!)!)
    }

    @Test func loadingRejectsMissingExtraAndMisshapedTensors() throws {
        let model = try Self.loadModel("attn28")
        var state = model.stateDict()
        let removed = state.removeValue(forKey: "conv_out.bias")!
        #expect(throws: StateLoadError.missing(["conv_out.bias"])) { try model.load(state) }
        state["conv_out.bias"] = removed
        state["extra.weight"] = NamedTensorData(shape: [1], values: [0])
        #expect(throws: StateLoadError.unexpected(["extra.weight"])) { try model.load(state) }
        state["extra.weight"] = nil
        state["conv_out.bias"] = NamedTensorData(shape: [2], values: [0, 0])
        #expect(throws: StateLoadError.shapeMismatch(name: "conv_out.bias", expected: [1], found: [2])) { try model.load(state) }
    }

    @Test func unsupportedDiffusersOptionsAreRejected() {
        let json = #"{"block_out_channels": [8, 16], "resnet_time_scale_shift": "spatial"}"#
        #expect(throws: UNetConfigError.self) { try JSONDecoder().decode(UNetConfig.self, from: Data(json.utf8)) }
    }
}
