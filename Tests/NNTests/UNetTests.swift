import Testing
@testable import NN
import TensorCore
import _TestSupport

@Suite struct UNetTests {
    @Test func parameterNamesFollowDiffusers() {
        let config = UNetConfig(imageSize: 28, channels: 1, baseChannels: 16, channelMultipliers: [1, 2, 2], resBlocks: 1,
                                attentionResolutions: [7], headDim: 8, groups: 8, classes: 10)
        let names = Set(UNet(config).namedParameters().map(\.0))
        for expected in ["conv_in.weight", "time_embedding.linear_1.weight", "time_embedding.linear_2.bias",
                         "down_blocks.0.resnets.0.norm1.weight", "down_blocks.0.resnets.0.time_emb_proj.weight",
                         "down_blocks.1.resnets.0.conv_shortcut.weight", "down_blocks.0.downsamplers.0.conv.weight",
                         "down_blocks.2.attentions.0.to_q.weight", "down_blocks.2.attentions.0.to_out.0.bias",
                         "mid_block.attentions.0.group_norm.weight", "mid_block.resnets.1.conv2.weight",
                         "up_blocks.0.attentions.1.to_k.weight", "up_blocks.0.upsamplers.0.conv.weight",
                         "up_blocks.2.resnets.1.conv_shortcut.bias", "conv_norm_out.weight", "conv_out.weight",
                         "class_embedding.weight"] {
            #expect(names.contains(expected), "missing \(expected)")
        }
        #expect(!names.contains("down_blocks.2.downsamplers.0.conv.weight"), "the last level must not downsample")
        #expect(!names.contains("up_blocks.2.upsamplers.0.conv.weight"), "the top level must not upsample")
    }

    @Test(arguments: [28, 32, 64])
    func outputHasTheInputShapeAtEachSupportedSize(_ size: Int) {
        let levels = size == 28 ? [1, 2, 2] : [1, 2, 2, 2]
        let config = UNetConfig(imageSize: size, channels: size == 28 ? 1 : 3, baseChannels: 8, channelMultipliers: levels,
                                resBlocks: 1, attentionResolutions: [size / 4], groups: 4)
        let model = UNet(config)
        let x = Tensor.zeros([2, config.inChannels, size, size])
        #expect(model.predict(x, timesteps: [1, 500]).shape == x.shape)
    }

    /// Finite differences through the whole network, on parameters of every layer type.
    @Test func wholeUNetGradientMatchesFiniteDifferences() {
        let model = UNet(tinyConfig(), seed: 3)
        let params = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.0, $0.1.value) })
        let probed = ["conv_in.weight", "time_embedding.linear_1.weight", "class_embedding.weight",
                      "down_blocks.0.resnets.0.norm1.weight", "down_blocks.0.resnets.0.time_emb_proj.bias",
                      "down_blocks.0.downsamplers.0.conv.weight", "down_blocks.1.resnets.0.conv_shortcut.weight",
                      "down_blocks.1.attentions.0.to_q.weight", "down_blocks.1.attentions.0.to_out.0.bias",
                      "mid_block.attentions.0.group_norm.bias", "mid_block.resnets.1.conv2.weight",
                      "up_blocks.1.upsamplers.0.conv.weight".replacingOccurrences(of: "1.ups", with: "0.ups"),
                      "up_blocks.1.resnets.1.norm2.weight", "conv_norm_out.weight", "conv_out.bias"]
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.randn([2, 2, 8, 8], using: &rng)
        let inputs = [x] + probed.map { name -> Tensor in
            guard let t = params[name] else { fatalError("no parameter \(name)") }
            return t
        }
        let r = GradCheck.run("UNet", inputs: inputs, eps: 1e-2, atol: 3e-3, rtol: 3e-2, samples: 6) { _ in
            var context = ForwardContext.inference
            return model(x, timesteps: [3, 700], classLabels: [0, 2], context: &context)
        }
        #expect(r.passed, "\(r)")
        #expect(r.checked == inputs.map { min(6, $0.count) }.reduce(0, +))
    }

    @Test func flatParameterSetKeepsValuesAndSharesGradients() {
        let model = UNet(tinyConfig(), seed: 5)
        let before = model.namedParameters().map { $0.1.value.scalars }
        let x = Tensor.zeros([1, 2, 8, 8]) + 0.5
        let y0 = model.predict(x, timesteps: [10], classLabels: [1])
        let set = ParameterSet(model)
        #expect(model.namedParameters().map { $0.1.value.scalars } == before)
        #expect(model.predict(x, timesteps: [10], classLabels: [1]).scalars == y0.scalars)
        #expect(set.count == model.parameterCount)
        var context = ForwardContext.inference
        model(x, timesteps: [10], classLabels: [1], context: &context).mean().backward()
        let gradNorm = set.gradients.scalars.reduce(0) { $0 + $1 * $1 }
        #expect(gradNorm > 0)
        set.zeroGradients()
        #expect(set.gradients.scalars.allSatisfy { $0 == 0 })
    }

    @Test func sinusoidalEmbeddingMatchesTheFormula() {
        // dim 6, half 3, shift 1: freq_i = exp(-ln(10000)·i/2) = 1, 0.01, 0.0001
        let e = SinusoidalEmbedding(dim: 6, flipSinToCos: false, freqShift: 1)([2])
        let expected: [Float] = [sin(2), sin(0.02), sin(0.0002), cos(2), cos(0.02), cos(0.0002)]
        #expect(mismatch(e.scalars, expected, rtol: 1e-6, atol: 1e-7) == nil)
        let flipped = SinusoidalEmbedding(dim: 6, flipSinToCos: true, freqShift: 1)([2])
        #expect(flipped.scalars == Array(e.scalars[3...] + e.scalars[..<3]))
    }

    @Test func dropoutIsActiveOnlyInTraining() {
        let model = UNet(tinyConfig(dropout: 0.5), seed: 6)
        let x = Tensor.zeros([1, 2, 8, 8]) + 0.25
        let a = model.predict(x, timesteps: [5], classLabels: [0]), b = model.predict(x, timesteps: [5], classLabels: [0])
        #expect(a.scalars == b.scalars)
        var train = ForwardContext(training: true, generator: RandomGenerator(seed: 1))
        let c = withoutGrad { model(x, timesteps: [5], classLabels: [0], context: &train) }
        #expect(c.scalars != a.scalars)
    }
}

import Foundation

@Suite struct NullClassLabelTests {
    @Test func nullClassIsTheEmbeddingsLastRowAfterTheRealClasses() {
        let conditional = UNetConfig(imageSize: 8, channels: 1, baseChannels: 8, channelMultipliers: [1], resBlocks: 1,
                                     attentionResolutions: [], groups: 4, classes: 10)
        #expect(conditional.classCount == 10)
        #expect(conditional.nullClassLabel == 10)
        #expect(conditional.numClassEmbeds == 11)
        let plain = UNetConfig(imageSize: 8, channels: 1, baseChannels: 8, channelMultipliers: [1], resBlocks: 1,
                               attentionResolutions: [], groups: 4)
        #expect(plain.nullClassLabel == nil && plain.classCount == nil)
    }
}
