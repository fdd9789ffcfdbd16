import Testing
@testable import TensorCore
import _TestSupport

/// Every differentiable op against central finite differences, on awkward shapes.
@Suite struct GradCheckTests {
    struct BinaryCase: CustomTestStringConvertible, Sendable {
        let a: [Int], b: [Int]
        var testDescription: String { "\(a) ∘ \(b)" }
        static let all = [
            BinaryCase(a: [3, 5], b: [3, 5]),
            BinaryCase(a: [3, 6, 7, 5], b: [3, 6, 1, 1]),   // time embedding added per channel
            BinaryCase(a: [3, 1], b: [1, 4]),               // both sides broadcast
            BinaryCase(a: [2, 3, 4], b: [4]),               // bias over the last axis
            BinaryCase(a: [1], b: [2, 3]),
        ]
    }

    @Test(arguments: BinaryCase.all)
    func broadcastArithmeticMatchesFiniteDifferences(_ c: BinaryCase) {
        let a = randn(c.a, seed: 1), b = positive(c.b, seed: 2)
        for (name, op) in [("add", { (x: Tensor, y: Tensor) in x + y }), ("sub", { $0 - $1 }), ("mul", { $0 * $1 }), ("div", { $0 / $1 })] {
            let r = GradCheck.run(name, inputs: [a, b]) { op($0[0], $0[1]) }
            #expect(r.passed, "\(r)")
        }
    }

    @Test func scalarArithmeticMatchesFiniteDifferences() {
        let x = randn([4, 3], seed: 3)
        let r = GradCheck.run("scalar ops", inputs: [x]) { inputs in
            let t = inputs[0]
            let a: Tensor = 2.5 * t + 1
            let b: Tensor = (t * -3) / 4
            let c: Tensor = 1 - t
            return (a - b) - c
        }
        #expect(r.passed, "\(r)")
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulMatchesFiniteDifferences(_ t: (Bool, Bool)) {
        let (m, k, n) = (3, 5, 4)
        let a = randn(t.0 ? [k, m] : [m, k], seed: 4), b = randn(t.1 ? [n, k] : [k, n], seed: 5)
        let r = GradCheck.run("matmul", inputs: [a, b]) { $0[0].matmul($0[1], transposeA: t.0, transposeB: t.1) }
        #expect(r.passed, "\(r)")
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func batchedMatmulMatchesFiniteDifferences(_ t: (Bool, Bool)) {
        let (bs, m, k, n) = (3, 2, 5, 4)
        let a = randn(t.0 ? [bs, k, m] : [bs, m, k], seed: 6), b = randn(t.1 ? [bs, n, k] : [bs, k, n], seed: 7)
        let r = GradCheck.run("batchedMatmul", inputs: [a, b]) { $0[0].batchedMatmul($0[1], transposeA: t.0, transposeB: t.1) }
        #expect(r.passed, "\(r)")
    }

    @Test(arguments: ConvCase.awkward)
    func conv2dMatchesFiniteDifferences(_ c: ConvCase) {
        let x = randn(c.input, seed: 8), w = randn(c.weight, seed: 9, scale: 0.3), b = randn([c.weight[0]], seed: 10)
        let r = GradCheck.run("conv2d \(c)", inputs: c.bias ? [x, w, b] : [x, w]) {
            $0[0].conv2d($0[1], c.bias ? $0[2] : nil, stride: c.stride, padding: c.padding)
        }
        #expect(r.passed, "\(r)")
    }

    @Test func conv2dOnManyImagesPerChunkMatchesFiniteDifferences() {
        // 3×3 images are batched many to a GEMM (the staging/scatter path); 8 images force two workers' chunks.
        let x = randn([8, 2, 3, 3], seed: 11), w = randn([3, 2, 3, 3], seed: 12, scale: 0.3), b = randn([3], seed: 13)
        let r = GradCheck.run("conv2d chunked", inputs: [x, w, b], samples: 64) { $0[0].conv2d($0[1], $0[2], padding: 1) }
        #expect(r.passed, "\(r)")
    }

    @Test func upsampleMatchesFiniteDifferences() {
        let r = GradCheck.run("upsample", inputs: [randn([3, 2, 5, 7], seed: 14)]) { $0[0].upsampledNearest2x() }
        #expect(r.passed, "\(r)")
    }

    @Test func concatenateMatchesFiniteDifferences() {
        let a = randn([3, 2, 4, 5], seed: 15), b = randn([3, 5, 4, 5], seed: 16)
        let r = GradCheck.run("concatenate", inputs: [a, b]) { Tensor.concatenate([$0[0], $0[1]], axis: 1) }
        #expect(r.passed, "\(r)")
    }

    @Test func shapeOpsMatchFiniteDifferences() {
        let x = randn([3, 4, 5], seed: 17)
        for (name, f) in [
            ("reshape", { (t: Tensor) in t.reshaped([5, -1]) * t.reshaped([5, 12]).silu() }),
            ("permute", { $0.permuted([2, 0, 1]) }),
            ("transpose", { $0.transposed(0, 2) }),
            ("slice", { $0.slice(axis: 1, 1..<3) }),
        ] {
            let r = GradCheck.run(name, inputs: [x]) { f($0[0]) }
            #expect(r.passed, "\(r)")
        }
    }

    @Test(arguments: [(6, 3, false), (6, 3, true), (4, 1, false), (5, 5, true)])
    func groupNormMatchesFiniteDifferences(_ c: (channels: Int, groups: Int, silu: Bool)) {
        let x = randn([3, c.channels, 5, 7], seed: 18, scale: 2) + 0.7
        let gamma = randn([c.channels], seed: 19) + 1, beta = randn([c.channels], seed: 20)
        let r = GradCheck.run("groupNorm G=\(c.groups) silu=\(c.silu)", inputs: [x, gamma, beta], eps: 5e-3) {
            $0[0].groupNorm(groups: c.groups, gamma: $0[1], beta: $0[2], fusedSiLU: c.silu)
        }
        #expect(r.passed, "\(r)")
    }

    @Test func pointwiseFunctionsMatchFiniteDifferences() {
        let x = randn([3, 7], seed: 21)
        for (name, f) in [("silu", { (t: Tensor) in t.silu() }), ("exp", { $0.exp() }), ("sin", { $0.sin() }),
                          ("cos", { $0.cos() }), ("square", { $0.squared() })] {
            let r = GradCheck.run(name, inputs: [x]) { f($0[0]) }
            #expect(r.passed, "\(r)")
        }
        let r = GradCheck.run("sqrt", inputs: [positive([3, 7], seed: 22)]) { $0[0].sqrt() }
        #expect(r.passed, "\(r)")
    }

    @Test func rowGatherMatchesFiniteDifferences() {
        let table = randn([5, 4], seed: 32)
        let r = GradCheck.run("rows", inputs: [table]) { $0[0].rows([3, 0, 3, 4]) }   // row 3 used twice
        #expect(r.passed, "\(r)")
    }

    @Test func padMatchesFiniteDifferences() {
        let r = GradCheck.run("padded2d", inputs: [randn([3, 2, 5, 4], seed: 33)]) { $0[0].padded2d(top: 1, bottom: 2, left: 0, right: 1) }
        #expect(r.passed, "\(r)")
    }

    @Test func softmaxMatchesFiniteDifferences() {
        let r = GradCheck.run("softmax", inputs: [randn([3, 4, 9], seed: 23, scale: 2)]) { $0[0].softmax() }
        #expect(r.passed, "\(r)")
    }

    @Test func crossEntropyMatchesFiniteDifferences() {
        let r = GradCheck.run("crossEntropy", inputs: [randn([5, 7], seed: 41, scale: 2)]) { $0[0].crossEntropy(labels: [3, 0, 6, 3, 1]) }
        #expect(r.passed, "\(r)")
    }

    @Test func reductionsMatchFiniteDifferences() {
        let x = randn([3, 4, 5], seed: 24)
        for (name, f) in [("sum", { (t: Tensor) in t.sum() }), ("mean", { $0.mean() }),
                          ("sum axes", { $0.sum(axes: [0, 2]) }), ("mean axes keep", { $0.mean(axes: [1], keepingDimensions: true) })] {
            let r = GradCheck.run(name, inputs: [x]) { f($0[0]) }
            #expect(r.passed, "\(r)")
        }
    }

    @Test(arguments: LossKind.allCases)
    func lossesMatchFiniteDifferences(_ kind: LossKind) {
        // Differences kept away from the kinks at 0 (l1) and ±δ (huber) so the derivative is defined.
        let target = randn([3, 2, 5], seed: 25)
        var g = RandomGenerator(seed: 26)
        let offsets = Tensor.uniform([3, 2, 5], in: 0.2...0.8, using: &g)
        let signs = Tensor(shape: [3, 2, 5], values: (0..<30).map { $0 % 3 == 0 ? 1 : ($0 % 3 == 1 ? -1 : 2.5) })
        let prediction = withoutGrad { target + offsets * signs }
        let r = GradCheck.run("loss \(kind)", inputs: [prediction], eps: 1e-2) { $0[0].loss(kind, target: target) }
        #expect(r.passed, "\(r)")
    }

    @Test func dropoutMatchesFiniteDifferencesWithItsMask() {
        let r = GradCheck.run("dropout", inputs: [randn([4, 6], seed: 27)]) {
            var g = RandomGenerator(seed: 5)
            return $0[0].dropout(0.3, training: true, using: &g)
        }
        #expect(r.passed, "\(r)")
    }

    @Test func attentionCompositionMatchesFiniteDifferences() {
        let q = randn([2, 5, 4], seed: 28), k = randn([2, 6, 4], seed: 29), v = randn([2, 6, 3], seed: 30)
        let r = GradCheck.run("attention", inputs: [q, k, v]) {
            ($0[0].batchedMatmul($0[1], transposeB: true) * 0.5).softmax().batchedMatmul($0[2])
        }
        #expect(r.passed, "\(r)")
    }

    /// A checker that passes a broken backward is itself a bug: drop one term of SiLU's derivative.
    @Test func gradCheckCatchesABrokenBackward() {
        let r = GradCheck.run("broken silu", inputs: [randn([3, 5], seed: 31)]) { inputs in
            let x = inputs[0]
            let y = withoutGrad { x.silu() }.detached()
            return y.recordingBackward("broken silu", inputs: [x]) { dy in
                guard let dx = x.gradForAccumulation() else { return }
                for i in 0..<x.count {
                    let s = 1 / (1 + Foundation.exp(-x[flat: i]))
                    dx[i] += dy[flat: i] * s   // the x·σ(x)(1 − σ(x)) term is missing
                }
            }
        }
        #expect(!r.passed)
        #expect(!r.failures.isEmpty)
    }
}

import Foundation
