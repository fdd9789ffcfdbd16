import Testing
import TensorCore
import _TestSupport

/// Forward values of the fast kernels against the naive Double loops in _TestSupport.
@Suite struct ReferenceTests {
    @Test(arguments: ConvCase.awkward + [ConvCase(input: [9, 4, 3, 3], weight: [5, 4, 3, 3], stride: 1, padding: 1, bias: true),
                                         ConvCase(input: [5, 8, 28, 28], weight: [8, 8, 3, 3], stride: 1, padding: 1, bias: true)])
    func conv2dMatchesNaiveLoops(_ c: ConvCase) {
        let x = randn(c.input, seed: 40), w = randn(c.weight, seed: 41), b = randn([c.weight[0]], seed: 42)
        let y = withoutGrad { x.conv2d(w, c.bias ? b : nil, stride: c.stride, padding: c.padding) }
        let ref = Naive.conv2d(x: x.scalars, c.input, w: w.scalars, c.weight, bias: c.bias ? b.scalars : nil,
                               stride: c.stride, padding: c.padding)
        #expect(y.shape == ref.shape)
        #expect(mismatch(y.scalars, ref.values, rtol: 1e-4, atol: 1e-4) == nil)
    }

    @Test(arguments: [(6, 3), (8, 8), (32, 8), (5, 1)])
    func groupNormMatchesNaiveLoops(_ c: (channels: Int, groups: Int)) {
        // A large common offset: the two-pass variance must not cancel.
        let x = randn([3, c.channels, 5, 7], seed: 43) + 100
        let gamma = randn([c.channels], seed: 44), beta = randn([c.channels], seed: 45)
        let y = withoutGrad { x.groupNorm(groups: c.groups, gamma: gamma, beta: beta, eps: 1e-5) }
        let ref = Naive.groupNorm(x: x.scalars, x.shape, groups: c.groups, gamma: gamma.scalars, beta: beta.scalars, eps: 1e-5)
        #expect(mismatch(y.scalars, ref, rtol: 1e-3, atol: 1e-3) == nil)
    }

    @Test func fusedGroupNormSiLUEqualsComposition() {
        let x = randn([2, 6, 4, 5], seed: 46), gamma = randn([6], seed: 47), beta = randn([6], seed: 48)
        let fused = withoutGrad { x.groupNorm(groups: 3, gamma: gamma, beta: beta, fusedSiLU: true) }
        let composed = withoutGrad { x.groupNorm(groups: 3, gamma: gamma, beta: beta).silu() }
        #expect(mismatch(fused.scalars, composed.scalars, rtol: 1e-6, atol: 1e-6) == nil)
    }

    @Test func attentionMatchesNaiveLoops() {
        let (lq, lk, d, dv) = (7, 5, 4, 3)
        let q = randn([1, lq, d], seed: 49), k = randn([1, lk, d], seed: 50), v = randn([1, lk, dv], seed: 51)
        let y = withoutGrad { (q.batchedMatmul(k, transposeB: true) * (1 / Float(d).squareRoot())).softmax().batchedMatmul(v) }
        let ref = Naive.attention(q: q.scalars, k: k.scalars, v: v.scalars, lq: lq, lk: lk, d: d, dv: dv)
        #expect(mismatch(y.scalars, ref, rtol: 1e-5, atol: 1e-6) == nil)
    }

    @Test func upsampleMatchesNaiveLoops() {
        let x = randn([2, 3, 5, 4], seed: 52)
        let y = withoutGrad { x.upsampledNearest2x() }
        #expect(y.shape == [2, 3, 10, 8])
        #expect(mismatch(y.scalars, Naive.upsample2x(x: x.scalars, x.shape), rtol: 0, atol: 0) == nil)
    }

    @Test func softmaxRowsSumToOneAndSurviveLargeLogits() {
        let x = Tensor(shape: [2, 3], values: [1000, 1001, 1002, -5, 0, 5])
        let y = withoutGrad { x.softmax() }.scalars
        let e = [1, 2.718281828459045, 7.38905609893065].map { $0 / 11.107337927389695 }
        #expect(mismatch(Array(y[0..<3]), e.map { Float($0) }) == nil)
        #expect(abs(y[3...].reduce(0, +) - 1) < 1e-6)
    }

    @Test func matmulMatchesHandComputedProduct() {
        let a = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]), b = Tensor(shape: [3, 2], values: [7, 8, 9, 10, 11, 12])
        #expect(withoutGrad { a.matmul(b) }.scalars == [58, 64, 139, 154])
        #expect(withoutGrad { a.matmul(a, transposeB: true) }.scalars == [14, 32, 32, 77])
    }

    @Test func lossesMatchHandComputedValues() {
        let p = Tensor(shape: [4], values: [0, 1, 3, -2]), t = Tensor(shape: [4], values: [0.5, 1, 0, 0])
        #expect(abs(p.loss(.l2, target: t).item() - Float((0.25 + 0 + 9 + 4) / 4.0)) < 1e-6)
        #expect(abs(p.loss(.l1, target: t).item() - Float((0.5 + 0 + 3 + 2) / 4.0)) < 1e-6)
        #expect(abs(p.loss(.huber, target: t).item() - Float((0.125 + 0 + 2.5 + 1.5) / 4.0)) < 1e-6)
    }
}
