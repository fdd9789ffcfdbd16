import Testing
@testable import TensorCore
import _TestSupport
import CKernels

/// The convolution through `Kernels.directGemm`, one image per product (Conv2dDirectKernel.swift),
/// against the reference path (OpenBLAS, multi-image chunks at small sizes), forward and backward,
/// on the UNet's level shapes and on the awkward ones (stride 2, 1×1, 5×5, non-square, odd sizes),
/// with dx already holding a gradient (both paths accumulate); and the direct path gives the same
/// bits for one and for two workers.
@Suite(.enabled(if: Kernels.directGEMMAvailable, "the direct GEMM needs AVX-512"))
struct ConvDirectTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let n: Int, cin: Int, cout: Int, h: Int, w: Int, kernel: Int, stride: Int, padding: Int
        var testDescription: String { "N=\(n) \(cin)→\(cout) \(h)×\(w) k\(kernel) s\(stride) p\(padding)" }
    }

    static let cases = [
        Case(n: 3, cin: 16, cout: 16, h: 28, w: 28, kernel: 3, stride: 1, padding: 1),
        Case(n: 5, cin: 32, cout: 32, h: 7, w: 7, kernel: 3, stride: 1, padding: 1),
        Case(n: 4, cin: 48, cout: 32, h: 14, w: 14, kernel: 3, stride: 1, padding: 1),
        Case(n: 3, cin: 16, cout: 16, h: 29, w: 29, kernel: 3, stride: 2, padding: 0),
        Case(n: 2, cin: 6, cout: 5, h: 5, w: 9, kernel: 1, stride: 1, padding: 0),
        Case(n: 2, cin: 1, cout: 9, h: 8, w: 8, kernel: 3, stride: 1, padding: 1),
        Case(n: 2, cin: 9, cout: 1, h: 8, w: 8, kernel: 3, stride: 1, padding: 1),
        Case(n: 1, cin: 2, cout: 3, h: 9, w: 9, kernel: 5, stride: 1, padding: 2),
        Case(n: 3, cin: 3, cout: 2, h: 15, w: 15, kernel: 3, stride: 2, padding: 1),
    ]

    struct Result { let y: [Float], dx: [Float], dW: [Float], dB: [Float] }

    func geometry(_ k: Case) -> ConvGeometry {
        ConvGeometry(channels: k.cin, height: k.h, width: k.w, kernelH: k.kernel, kernelW: k.kernel, stride: k.stride,
                     padding: k.padding)
    }

    func run(_ k: Case, direct: Bool, workers: Int) -> Result {
        let g = geometry(k)
        let plan = ConvPlan(g, batch: k.n, outChannels: k.cout, workers: workers, direct: direct)
        let x = randn([k.n, k.cin, k.h, k.w], seed: 90), w = randn([k.cout, k.cin, k.kernel, k.kernel], seed: 91, scale: 0.2)
        let b = randn([k.cout], seed: 92)
        let y = Tensor.zeros([k.n, k.cout, g.outH, g.outW])
        let forwardScratch = Tensor.zeros([plan.parts * plan.forwardScratchPerPart])
        Kernels.conv2dForward(plan, x: x.pointer, weight: w.pointer, bias: b.pointer, y: y.pointer, scratch: forwardScratch.pointer)
        let dy = randn([k.n, k.cout, g.outH, g.outW], seed: 93), dx = randn([k.n, k.cin, k.h, k.w], seed: 94)
        let dW = randn([k.cout, g.K], seed: 95), dB = randn([k.cout], seed: 96)
        let scratch = Tensor.zeros([plan.parts * plan.backwardScratchPerPart])
        Kernels.conv2dBackward(plan, x: x.pointer, weight: w.pointer, dy: dy.pointer, dx: dx.pointer, dWeight: dW.pointer,
                               dBias: dB.pointer, scratch: scratch.pointer)
        return Result(y: y.scalars, dx: dx.scalars, dW: dW.scalars, dB: dB.scalars)
    }

    /// The weight gradient's starting value plus Σ over images and positions of dy · col, in Double.
    func exactWeightGradient(_ k: Case) -> [Double] {
        let g = geometry(k)
        let x = randn([k.n, k.cin, k.h, k.w], seed: 90), dy = randn([k.n, k.cout, g.outH, g.outW], seed: 93)
        var dW = randn([k.cout, g.K], seed: 95).scalars.map(Double.init)
        let col = Tensor.zeros([g.K, g.L])
        for n in 0..<k.n {
            Kernels.im2col(g, images: 1, x: x.pointer + n * k.cin * k.h * k.w, col: col.pointer)
            let dyn = dy.pointer + n * k.cout * g.L
            for co in 0..<k.cout {
                for r in 0..<g.K {
                    var s = 0.0
                    for l in 0..<g.L { s += Double(dyn[co * g.L + l]) * Double(col.pointer[r * g.L + l]) }
                    dW[co * g.K + r] += s
                }
            }
        }
        return dW
    }

    func largestError(_ a: [Float], _ exact: [Double]) -> Double {
        zip(a, exact).map { abs(Double($0) - $1) }.max() ?? 0
    }

    /// y, dx and dB agree with the reference path to rounding; the weight gradient, a sum of N·L
    /// products with much cancellation, is compared with the exact (Double) sum instead: the
    /// direct path's error may be at most twice the reference path's.
    @Test(arguments: cases, [1, 2])
    func matchesTheReferencePath(_ k: Case, workers: Int) {
        let direct = run(k, direct: true, workers: workers), reference = run(k, direct: false, workers: workers)
        for (name, a, r) in [("y", direct.y, reference.y), ("dx", direct.dx, reference.dx), ("dB", direct.dB, reference.dB)] {
            let problem = mismatch(a, r, rtol: 1e-5, atol: 1e-5)
            #expect(problem == nil, "\(name): \(problem ?? "")")
        }
        let exact = exactWeightGradient(k)
        let directError = largestError(direct.dW, exact), referenceError = largestError(reference.dW, exact)
        #expect(directError <= max(2 * referenceError, 1e-6), "dW error \(directError), reference path \(referenceError)")
    }

    /// Per-image results (y, dx) do not depend on the worker count; the weight and bias gradients,
    /// summed over the workers' partials, are the same bits run after run at a given count.
    @Test(arguments: cases)
    func reproducibleBits(_ k: Case) {
        let one = run(k, direct: true, workers: 1), two = run(k, direct: true, workers: 2), again = run(k, direct: true, workers: 2)
        #expect(one.y == two.y && one.dx == two.dx)
        #expect(two.dW == again.dW && two.dB == again.dB)
    }

    /// dy's transpose and row sums in one pass (`ddpm_transpose_rowsums`): the transpose exact, the
    /// sums (added to what is there) within rounding of the Double sums, at ragged sizes.
    @Test(arguments: [(rows: 16, columns: 784), (rows: 17, columns: 49), (rows: 1, columns: 5), (rows: 40, columns: 33)])
    func transposeAndRowSums(_ s: (rows: Int, columns: Int)) {
        let a = randn([s.rows, s.columns], seed: 97), out = Tensor.zeros([s.columns, s.rows]), sums = randn([s.rows], seed: 98)
        let start = sums.scalars
        ddpm_transpose_rowsums(s.rows, s.columns, a.pointer, out.pointer, sums.pointer)
        let v = a.scalars
        #expect(out.scalars == (0..<(s.rows * s.columns)).map { v[($0 % s.rows) * s.columns + $0 / s.rows] })
        let exact = (0..<s.rows).map { i in Double(start[i]) + (0..<s.columns).reduce(0.0) { $0 + Double(v[i * s.columns + $1]) } }
        #expect(mismatch(sums.scalars, exact, rtol: 1e-6, atol: 1e-5) == nil)
    }
}
