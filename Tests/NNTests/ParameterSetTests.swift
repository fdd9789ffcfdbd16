// ParameterSet moves weights by name: save, strict load into the weights or into another flat
// buffer (an EMA shadow), and lending the model other weights without a spare model.
import Testing
import NN
import TensorCore

@Suite struct ParameterSetTests {
    @Test func stateDictLoadsBackByNameIntoAnotherModel() throws {
        let a = ParameterSet(UNet(tinyConfig(), seed: 1)), b = ParameterSet(UNet(tinyConfig(), seed: 2))
        #expect(a.values.scalars != b.values.scalars, "different seeds, or the copy proves nothing")
        let saved = a.stateDict()
        #expect(saved.count == a.entries.count)
        try b.load(saved)
        #expect(b.values.scalars.map(\.bitPattern) == a.values.scalars.map(\.bitPattern))
        // Named, not positional: each entry holds that parameter's own view.
        for e in a.entries { #expect(saved[e.name]?.values == a.tensor(named: e.name)?.scalars) }
    }

    @Test func loadIntoAnotherBufferLeavesTheWeightsAlone() throws {
        let set = ParameterSet(UNet(tinyConfig(), seed: 1)), other = ParameterSet(UNet(tinyConfig(), seed: 2))
        let before = set.values.scalars
        let shadow = Tensor.zeros([set.count])
        try set.load(other.stateDict(), into: shadow)
        #expect(shadow.scalars == other.values.scalars)
        #expect(set.values.scalars == before)
        #expect(set.namedValues(of: shadow) == other.stateDict())
    }

    @Test func loadIsStrict() {
        let set = ParameterSet(UNet(tinyConfig(), seed: 1))
        var missing = set.stateDict()
        let name = set.entries[3].name
        missing[name] = nil
        #expect(throws: StateLoadError.missing([name])) { try set.load(missing) }
        var extra = set.stateDict()
        extra["bogus.weight"] = NamedTensorData(shape: [1], values: [0])
        #expect(throws: StateLoadError.unexpected(["bogus.weight"])) { try set.load(extra) }
        var wrong = set.stateDict()
        wrong[name] = NamedTensorData(shape: [1], values: [0])
        #expect(throws: StateLoadError.shapeMismatch(name: name, expected: set.entries[3].shape, found: [1])) { try set.load(wrong) }
    }

    /// `withValues` runs the same model on other weights and restores its own bit for bit.
    @Test func withValuesLendsTheModelOtherWeights() {
        let model = UNet(tinyConfig(), seed: 1), reference = UNet(tinyConfig(), seed: 2)
        let set = ParameterSet(model), referenceSet = ParameterSet(reference)
        let own = set.values.scalars, lent = Tensor(shape: [set.count], values: referenceSet.values.scalars)
        var g = RandomGenerator(seed: 9)
        let x = Tensor.randn([2, 2, 8, 8], using: &g)
        let expected = withoutGrad { reference.predict(x, timesteps: [3, 7], classLabels: [0, 2]) }.scalars
        let got = set.withValues(lent) { withoutGrad { model.predict(x, timesteps: [3, 7], classLabels: [0, 2]) }.scalars }
        #expect(got.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(set.values.scalars.map(\.bitPattern) == own.map(\.bitPattern))
        #expect(lent.scalars.map(\.bitPattern) == referenceSet.values.scalars.map(\.bitPattern))
    }
}
