import Foundation
import Testing
import TensorCore

@Suite struct CrossEntropyTests {
    /// The loss against log-softmax written out in Double, including a row whose true class has
    /// probability 0 in Float (logit 200 below the max): the loss is finite, ≈ 200.
    @Test func crossEntropyMatchesLogSoftmaxInDouble() {
        let logits: [Float] = [0.5, -1.25, 2, 0.125, 3, -0.5, 0, 0, 200, 0, 0, 0]
        let labels = [2, 0, 3]
        var expected = 0.0
        for n in 0..<3 {
            let row = logits[(n * 4)..<(n * 4 + 4)].map(Double.init)
            let m = row.max()!
            let logZ = m + Foundation.log(row.map { Foundation.exp($0 - m) }.reduce(0, +))
            expected += logZ - row[labels[n]]
        }
        expected /= 3
        let loss = Tensor(shape: [3, 4], values: logits).crossEntropy(labels: labels).item()
        #expect(abs(Double(loss) - expected) <= 1e-5 * expected, "crossEntropy \(loss), expected \(expected)")
    }
}
