// The time-embedding scale-shift variant (improved-diffusion's AdaGN, diffusers'
// resnet_time_scale_shift "scale_shift"): its gradients, its layout, and the mid-block attention
// norm rule diffusers follows for it. Parity with diffusers is in DiffusersParityTests.
import Foundation
import Testing
@testable import NN
import TensorCore
import _TestSupport

@Suite struct ScaleShiftTests {
    static func config(midAttentionNorm: Bool) -> UNetConfig {
        var c = UNetConfig(imageSize: 8, channels: 2, baseChannels: 8, channelMultipliers: [1, 2], resBlocks: 1,
                           attentionResolutions: [4], headDim: 4, groups: 4, timeScaleShift: .scaleShift)
        if !midAttentionNorm { c.attnNormNumGroups = nil }
        return c
    }

    /// Finite differences through a scale-shift UNet, on the doubled time projection (both
    /// halves: scale rows and shift rows; the 16-element bias of down_blocks.0 is checked whole),
    /// norm2, and the norm-free mid-block attention.
    @Test func scaleShiftUNetGradientMatchesFiniteDifferences() {
        let model = UNet(Self.config(midAttentionNorm: false), seed: 7)
        let params = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.0, $0.1.value) })
        let probed = ["down_blocks.0.resnets.0.time_emb_proj.weight", "down_blocks.0.resnets.0.time_emb_proj.bias",
                      "down_blocks.1.resnets.0.norm2.weight", "down_blocks.1.resnets.0.norm2.bias",
                      "mid_block.resnets.0.time_emb_proj.bias", "mid_block.attentions.0.to_q.weight",
                      "up_blocks.1.resnets.1.time_emb_proj.weight", "time_embedding.linear_2.weight"]
        var rng = RandomGenerator(seed: 8)
        let x = Tensor.randn([2, 2, 8, 8], using: &rng)
        // Perturb the shift half of one bias so scale and shift are both away from 0.
        for name in probed where name.hasSuffix(".bias") {
            let t = params[name]!
            t.copy(from: (0..<t.count).map { Float($0 % 5) * 0.1 - 0.2 })
        }
        let inputs = [x] + probed.map { params[$0]! }
        let r = GradCheck.run("scale-shift UNet", inputs: inputs, eps: 1e-2, atol: 3e-3, rtol: 3e-2, samples: 16) { _ in
            var context = ForwardContext.inference
            return model(x, timesteps: [5, 640], context: &context)
        }
        #expect(r.passed, "\(r)")
    }

    @Test func timeProjectionIsTwiceAsWideAndMidAttentionNormFollowsDiffusers() {
        let names = Dictionary(uniqueKeysWithValues: UNet(Self.config(midAttentionNorm: false)).namedParameters().map { ($0.0, $0.1.value.shape) })
        #expect(names["down_blocks.1.resnets.0.time_emb_proj.weight"] == [32, 32])   // 2 × 16 outputs of the 32-wide embedding
        #expect(names["mid_block.attentions.0.group_norm.weight"] == nil)
        #expect(names["down_blocks.1.attentions.0.group_norm.weight"] == [16])
        let normed = Set(UNet(Self.config(midAttentionNorm: true)).namedParameters().map(\.0))
        #expect(normed.contains("mid_block.attentions.0.group_norm.weight"))
    }

    /// With scale = shift = 0 (zero time projection) the block reduces to silu(norm2(h)), which is
    /// also what the default block computes with a zero projection: the two variants agree there.
    @Test func zeroTimeProjectionGivesTheDefaultBlock() {
        var g = RandomGenerator(seed: 1), g2 = RandomGenerator(seed: 1)
        let a = ResBlock(inChannels: 4, outChannels: 4, embeddingDim: 6, groups: 2, eps: 1e-5, dropout: 0, scaleShift: true, using: &g)
        let b = ResBlock(inChannels: 4, outChannels: 4, embeddingDim: 6, groups: 2, eps: 1e-5, dropout: 0, using: &g2)
        let bParameters = Dictionary(uniqueKeysWithValues: b.namedParameters().map { ($0.0, $0.1.value) })
        for (name, p) in a.namedParameters() {
            if name.hasPrefix("time_emb_proj") {
                for t in [p.value, bParameters[name]!] { t.copy(from: [Float](repeating: 0, count: t.count)) }
            } else {
                bParameters[name]!.copy(from: p.value)
            }
        }
        var rng = RandomGenerator(seed: 2)
        let x = Tensor.randn([2, 4, 3, 3], using: &rng), emb = Tensor.randn([2, 6], using: &rng)
        var context = ForwardContext.inference
        let ya = withoutGrad { a(x, activatedEmbedding: emb, context: &context) }
        let yb = withoutGrad { b(x, activatedEmbedding: emb, context: &context) }
        #expect(mismatch(ya.scalars, yb.scalars, rtol: 1e-5, atol: 1e-5) == nil)
    }

    @Test func configRoundTripsAndRejectsSpatial() throws {
        let c = Self.config(midAttentionNorm: true)
        let json = try JSONEncoder().encode(c)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"resnet_time_scale_shift\":\"scale_shift\"") && text.contains("\"attn_norm_num_groups\":4"), "\(text)")
        #expect(try JSONDecoder().decode(UNetConfig.self, from: json) == c)
        let spatial = #"{"block_out_channels": [8, 16], "resnet_time_scale_shift": "spatial"}"#
        #expect(throws: UNetConfigError.unsupported(key: "resnet_time_scale_shift", value: "spatial")) {
            try JSONDecoder().decode(UNetConfig.self, from: Data(spatial.utf8))
        }
    }
}
