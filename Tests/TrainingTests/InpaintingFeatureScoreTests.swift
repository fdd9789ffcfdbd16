import Metrics
import TensorCore
import Testing
import _TestSupport
@testable import Training

/// The inpainting feature-space score: completions equal to their inputs score FID 0, other
/// images do not, and K completions per input are all scored against the N inputs.
@Suite struct InpaintingFeatureScoreTests {
    @Test func identicalCompletionsScoreZeroAndOthersDoNot() throws {
        let scratch = try ScratchDirectory()
        let record = FeatureNetRecord(dataset: "test", testAccuracy: 0, testImages: 0, training: FeatureNetTrainingSettings(),
                                      trainingImages: 0, trainingSeconds: 0)
        let net = try FeatureNetFile.save(FeatureNet(FeatureNetConfig(channels: 1, imageSize: 8), seed: 1), record: record,
                                          to: scratch.file("net.safetensors"))
        var g = RandomGenerator(seed: 2)
        let inputs = Tensor.randn([6, 1, 8, 8], using: &g).scalars.map { max(-1, min(1, $0 / 2)) }
        let same = try InpaintingFeatureScore(featureNet: net, completions: inputs, originals: inputs, imageShape: [1, 8, 8], seed: 0)
        #expect(abs(same.fid) < 1e-6 && same.completions == 6 && same.originals == 6 && same.kid.subsetSize == 3)
        let others = Tensor.randn([12, 1, 8, 8], using: &g).scalars.map { max(-1, min(1, $0)) }
        let differ = try InpaintingFeatureScore(featureNet: net, completions: others, originals: inputs, imageShape: [1, 8, 8], seed: 0)
        #expect(differ.fid > 1e-3 && differ.completions == 12 && differ.originals == 6)
        #expect(differ.description.contains("12 completions against their 6 inputs") && differ.description.contains(net.hash))
    }
}
