import Testing
@testable import TensorCore
import _TestSupport

/// The data gradient of stride-1 "same" convolutions computed as a convolution of dy with the
/// flipped, transposed weights (straight into dx) against the reference path (dcol = Wᵀ·dy, then
/// col2im), on the UNet's sizes, with dx already holding a gradient (both paths accumulate).
@Suite struct ConvDataGradientTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let n: Int, cin: Int, cout: Int, size: Int, kernel: Int
        var testDescription: String { "N=\(n) \(cin)→\(cout) \(size)×\(size) k\(kernel)" }
    }

    static let cases = [Case(n: 2, cin: 3, cout: 5, size: 28, kernel: 3), Case(n: 1, cin: 8, cout: 4, size: 7, kernel: 3),
                        Case(n: 3, cin: 4, cout: 6, size: 32, kernel: 3), Case(n: 1, cin: 2, cout: 3, size: 9, kernel: 5)]

    func backward(_ k: Case, fast: Bool, workers: Int) -> (plan: ConvPlan, dx: [Float], dW: [Float], dB: [Float]) {
        let g = ConvGeometry(channels: k.cin, height: k.size, width: k.size, kernelH: k.kernel, kernelW: k.kernel,
                             stride: 1, padding: k.kernel / 2)
        let plan = ConvPlan(g, batch: k.n, outChannels: k.cout, workers: workers, fastDataGradient: fast)
        let x = randn([k.n, k.cin, k.size, k.size], seed: 70), w = randn([k.cout, k.cin, k.kernel, k.kernel], seed: 71)
        let dy = randn([k.n, k.cout, k.size, k.size], seed: 72), dx = randn([k.n, k.cin, k.size, k.size], seed: 73)
        let dW = Tensor.zeros([k.cout, k.cin * k.kernel * k.kernel]), dB = Tensor.zeros([k.cout])
        let scratch = Tensor.zeros([plan.parts * plan.backwardScratchPerPart])
        Kernels.conv2dBackward(plan, x: x.pointer, weight: w.pointer, dy: dy.pointer, dx: dx.pointer, dWeight: dW.pointer,
                               dBias: dB.pointer, scratch: scratch.pointer)
        return (plan, dx.scalars, dW.scalars, dB.scalars)
    }

    @Test(arguments: cases, [1, 2])
    func convolutionPathMatchesTheCol2imPath(_ k: Case, workers: Int) {
        let fast = backward(k, fast: true, workers: workers), reference = backward(k, fast: false, workers: workers)
        #expect(fast.plan.dataGradientByConvolution, "the case must take the fast path")
        #expect(!reference.plan.dataGradientByConvolution)
        #expect(mismatch(fast.dx, reference.dx, rtol: 1e-5, atol: 1e-5) == nil, "\(mismatch(fast.dx, reference.dx, rtol: 1e-5, atol: 1e-5) ?? "")")
        #expect(fast.dW == reference.dW, "the weight gradient does not change")
        #expect(fast.dB == reference.dB)
    }

    @Test func stridedAndMultiImageChunksKeepTheReferencePath() {
        let strided = ConvGeometry(channels: 4, height: 14, width: 14, kernelH: 3, kernelW: 3, stride: 2, padding: 1)
        #expect(!ConvPlan(strided, batch: 1, outChannels: 4, workers: 1).dataGradientByConvolution)
        let small = ConvGeometry(channels: 4, height: 7, width: 7, kernelH: 3, kernelW: 3, stride: 1, padding: 1)
        #expect(!ConvPlan(small, batch: 64, outChannels: 4, workers: 2, direct: false).dataGradientByConvolution)   // 11 images per chunk
        let pointwise = ConvGeometry(channels: 4, height: 28, width: 28, kernelH: 1, kernelW: 1, stride: 1, padding: 0)
        #expect(!ConvPlan(pointwise, batch: 4, outChannels: 4, workers: 2).dataGradientByConvolution)
    }
}
