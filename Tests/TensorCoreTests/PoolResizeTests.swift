import Testing
import TensorCore
import _TestSupport

/// Max/average pooling, bilinear resizing and ReLU (the ops Inception-v3 adds to the core): forward
/// against the naive loops and PyTorch goldens, backward against finite differences.
@Suite struct PoolResizeTests {
    struct PoolCase: CustomTestStringConvertible, Sendable {
        let input: [Int], kernel: Int, stride: Int, padding: Int
        var testDescription: String { "\(input) k\(kernel) s\(stride) p\(padding)" }
        static let awkward = [
            PoolCase(input: [2, 3, 7, 9], kernel: 3, stride: 2, padding: 0),   // Inception's stem/reduction pools
            PoolCase(input: [3, 2, 5, 6], kernel: 3, stride: 1, padding: 1),   // Inception's "same" branch pools
            PoolCase(input: [1, 4, 6, 6], kernel: 2, stride: 2, padding: 0),
            PoolCase(input: [2, 1, 8, 8], kernel: 8, stride: 8, padding: 0),   // pool3's global 8×8 average
            PoolCase(input: [1, 2, 4, 7], kernel: 2, stride: 3, padding: 1),   // padding on every side, stride > kernel
        ]
    }

    /// Distinct values spaced 0.05 apart in random order: no ties, so a finite-difference step of
    /// 0.01 never moves a window's maximum.
    static func distinct(_ shape: [Int], seed: UInt64) -> Tensor {
        var g = RandomGenerator(seed: seed)
        var values = (0..<shape.reduce(1, *)).map { Float($0) * 0.05 - 1 }
        values.shuffle(using: &g)
        return Tensor(shape: shape, values: values)
    }

    @Test(arguments: PoolCase.awkward)
    func maxPoolMatchesNaiveLoops(_ c: PoolCase) {
        let x = randn(c.input, seed: 60)
        let y = withoutGrad { x.maxPooled2d(kernel: c.kernel, stride: c.stride, padding: c.padding) }
        let ref = Naive.maxPool2d(x: x.scalars, c.input, kernel: c.kernel, stride: c.stride, padding: c.padding)
        #expect(y.shape == ref.shape)
        #expect(mismatch(y.scalars, ref.values, rtol: 0, atol: 0) == nil)
    }

    @Test(arguments: PoolCase.awkward, [true, false])
    func avgPoolMatchesNaiveLoops(_ c: PoolCase, countIncludePad: Bool) {
        let x = randn(c.input, seed: 61)
        let y = withoutGrad { x.avgPooled2d(kernel: c.kernel, stride: c.stride, padding: c.padding, countIncludePad: countIncludePad) }
        let ref = Naive.avgPool2d(x: x.scalars, c.input, kernel: c.kernel, stride: c.stride, padding: c.padding,
                                  countIncludePad: countIncludePad)
        #expect(y.shape == ref.shape)
        #expect(mismatch(y.scalars, ref.values, rtol: 1e-6, atol: 1e-6) == nil)
    }

    @Test func avgPoolPaddingFlagChangesOnlyBorderWindows() {
        // 3×3 of ones, k3 s1 p1: with count_include_pad the corner sees 4 ones over 9, without it 4/4.
        let x = Tensor.ones([1, 1, 3, 3])
        let included = withoutGrad { x.avgPooled2d(kernel: 3, stride: 1, padding: 1, countIncludePad: true) }.scalars
        let excluded = withoutGrad { x.avgPooled2d(kernel: 3, stride: 1, padding: 1, countIncludePad: false) }.scalars
        #expect(mismatch(included, [4, 6, 4, 6, 9, 6, 4, 6, 4].map { Float($0) / 9 }, rtol: 1e-6, atol: 0) == nil)
        #expect(excluded == [Float](repeating: 1, count: 9))
    }

    @Test func maxPoolIgnoresPaddingForNegativeInputs() {
        // All values negative: zero padding would win if it took part in the maximum.
        let x = Tensor(shape: [1, 1, 2, 2], values: [-4, -3, -2, -1])
        let y = withoutGrad { x.maxPooled2d(kernel: 3, stride: 1, padding: 1) }
        #expect(y.scalars == [-1, -1, -1, -1])
    }

    @Test(arguments: PoolCase.awkward)
    func maxPoolMatchesFiniteDifferences(_ c: PoolCase) {
        let r = GradCheck.run("maxPool2d \(c.testDescription)", inputs: [Self.distinct(c.input, seed: 62)]) {
            $0[0].maxPooled2d(kernel: c.kernel, stride: c.stride, padding: c.padding)
        }
        #expect(r.passed, "\(r)")
    }

    @Test(arguments: PoolCase.awkward, [true, false])
    func avgPoolMatchesFiniteDifferences(_ c: PoolCase, countIncludePad: Bool) {
        let r = GradCheck.run("avgPool2d \(c.testDescription)", inputs: [randn(c.input, seed: 63)]) {
            $0[0].avgPooled2d(kernel: c.kernel, stride: c.stride, padding: c.padding, countIncludePad: countIncludePad)
        }
        #expect(r.passed, "\(r)")
    }

    @Test func resizeMatchesPyTorch() {
        let x = Tensor(shape: ResizeGoldens.inputShape, values: ResizeGoldens.input)
        for c in ResizeGoldens.cases {
            let y = withoutGrad { x.resizedBilinear(height: c.height, width: c.width) }
            #expect(y.shape == [1, 2, c.height, c.width])
            #expect(mismatch(y.scalars, c.expected, rtol: 1e-6, atol: 1e-6) == nil, "\(c.height)×\(c.width)")
        }
    }

    @Test(arguments: [([2, 1, 28, 28], 299, 299), ([1, 3, 32, 32], 299, 299), ([1, 2, 40, 31], 17, 23), ([1, 1, 5, 5], 5, 5)])
    func resizeMatchesNaiveLoops(_ c: (shape: [Int], height: Int, width: Int)) {
        let x = randn(c.shape, seed: 64)
        let y = withoutGrad { x.resizedBilinear(height: c.height, width: c.width) }
        let ref = Naive.resizeBilinear(x: x.scalars, c.shape, height: c.height, width: c.width)
        #expect(mismatch(y.scalars, ref, rtol: 1e-5, atol: 1e-5) == nil)
    }

    @Test func resizeToSameSizeIsIdentity() {
        let x = randn([2, 3, 6, 5], seed: 65)
        #expect(withoutGrad { x.resizedBilinear(height: 6, width: 5) }.scalars == x.scalars)
    }

    @Test(arguments: [([2, 3, 4, 5], 7, 9), ([1, 2, 9, 7], 4, 3), ([1, 1, 3, 3], 1, 1)])
    func resizeMatchesFiniteDifferences(_ c: (shape: [Int], height: Int, width: Int)) {
        let r = GradCheck.run("resizeBilinear", inputs: [randn(c.shape, seed: 66)]) {
            $0[0].resizedBilinear(height: c.height, width: c.width)
        }
        #expect(r.passed, "\(r)")
    }

    @Test func reluMatchesDefinitionAndFiniteDifferences() {
        // Values at least 0.05 from the kink, so the finite-difference step never crosses it.
        let x = Self.distinct([3, 4, 5], seed: 67) + 0.025
        let y = withoutGrad { x.relu() }
        #expect(y.scalars == x.scalars.map { max($0, 0) })
        let r = GradCheck.run("relu", inputs: [x]) { $0[0].relu() }
        #expect(r.passed, "\(r)")
    }
}
