// Every random draw of a training run comes from its own stream: the families of stream keys do
// not overlap, and the weight initialization no longer shares step 0's stream.
import NN
import Testing
import TensorCore
import Training

@Suite struct RandomStreamsTests {
    /// Each family's keys lie in its own range of 2⁴⁰, in the order of the table in RandomStreams.
    @Test func familiesOccupyDisjointRanges() {
        let last = Int(RandomStreams.familySize - 1)
        let families: [[UInt64]] = [
            [0, 1, last].map(RandomStreams.step),
            [0, 1, last].map(RandomStreams.epoch),
            [0, 1, last].map { RandomStreams.dropout(step: $0) },
            [0, 1, last].map { RandomStreams.validation(start: $0) },
            [RandomStreams.initialization],
        ]
        for (f, keys) in families.enumerated() {
            let range = (UInt64(f) * RandomStreams.familySize)..<(UInt64(f + 1) * RandomStreams.familySize)
            #expect(keys.allSatisfy(range.contains), "family \(f): \(keys)")
        }
        let all = families.flatMap { $0 }
        #expect(Set(all).count == all.count)
        // Distinct keys give distinct generators for one seed (stream · an odd constant is injective).
        let states = all.map { RandomGenerator(seed: 7, stream: $0).state }
        #expect(Set(states.map { $0.description }).count == all.count)
    }

    /// The UNet's initial weights come from the initialization stream, not from stream 0, whose
    /// draws are step 0's t, ε, flips and label drops.
    @Test func weightInitializationHasItsOwnStream() throws {
        let config = Tiny.config(seed: 5)
        let state = try TrainingState(config: config)
        let fromInitStream = UNet(config.model.unetConfig, using: RandomGenerator(seed: 5, stream: RandomStreams.initialization))
        let fromStepZero = UNet(config.model.unetConfig, using: RandomGenerator(seed: 5, stream: RandomStreams.step(0)))
        let weights = bits(state.parameters.values)
        #expect(weights == bits(ParameterSet(fromInitStream).values))
        #expect(weights != bits(ParameterSet(fromStepZero).values))
        #expect(RandomStreams.initialization != RandomStreams.step(0))
    }
}
