import Testing
@testable import TensorCore
import _TestSupport

/// `Kernels.directGemm` (Sources/CKernels/sgemm.c) against a scalar loop that sums each element's
/// products in blocks of 64 k with one fused multiply-add each and adds the block sums to C in
/// turn, which is what the kernel promises: so the comparison is exact. Shapes cross every tile edge (8 rows, 16-float vectors, 48-column panels),
/// with A plain and transposed, C overwritten and accumulated, and row strides wider than the matrices.
@Suite(.enabled(if: Kernels.directGEMMAvailable, "the direct GEMM needs AVX-512"))
struct DirectGEMMTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        let m: Int, n: Int, k: Int
        var testDescription: String { "\(m)×\(k) · \(k)×\(n)" }
    }

    static let shapes = [Shape(m: 1, n: 1, k: 1), Shape(m: 7, n: 15, k: 5), Shape(m: 8, n: 16, k: 3), Shape(m: 9, n: 17, k: 144),
                         Shape(m: 16, n: 48, k: 9), Shape(m: 17, n: 49, k: 27), Shape(m: 32, n: 196, k: 288),
                         Shape(m: 3, n: 100, k: 0), Shape(m: 20, n: 33, k: 64), Shape(m: 5, n: 20, k: 200)]

    /// C = (accumulate ? C0 : 0) + op(A)·B, each element by k ordered FMAs, in Float.
    func scalarFMA(_ s: Shape, transA: Bool, a: [Float], lda: Int, b: [Float], ldb: Int, c0: [Float], ldc: Int,
                   accumulate: Bool) -> [Float] {
        var c = c0
        for i in 0..<s.m {
            for j in 0..<s.n {
                var total: Float = accumulate ? c0[i * ldc + j] : 0
                for block in stride(from: 0, to: s.k, by: 64) {
                    var sum: Float = 0
                    for p in block..<min(s.k, block + 64) {
                        sum = sum.addingProduct(transA ? a[p * lda + i] : a[i * lda + p], b[p * ldb + j])
                    }
                    total = block == 0 && !accumulate ? sum : total + sum
                }
                c[i * ldc + j] = total
            }
        }
        return c
    }

    @Test(arguments: shapes, [false, true])
    func equalsOrderedScalarFMAs(_ s: Shape, transA: Bool) {
        // Row strides three wider than the matrices, so only the addressed elements may be touched.
        let lda = (transA ? s.m : s.k) + 3, ldb = s.n + 3, ldc = s.n + 3
        let a = randn([(transA ? s.k : s.m) * lda + 1], seed: 80).scalars
        let b = randn([max(1, s.k) * ldb], seed: 81).scalars
        let c0 = randn([s.m * ldc], seed: 82).scalars
        for accumulate in [false, true] {
            let expected = scalarFMA(s, transA: transA, a: a, lda: lda, b: b, ldb: ldb, c0: c0, ldc: ldc, accumulate: accumulate)
            var c = c0
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        Kernels.directGemm(transA: transA, m: s.m, n: s.n, k: s.k, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!,
                                           ldb: ldb, accumulate: accumulate, c: cp.baseAddress!, ldc: ldc)
                    }
                }
            }
            #expect(c == expected, "accumulate \(accumulate): \(mismatch(c, expected, rtol: 0, atol: 0) ?? "")")
        }
    }

    /// And it is as accurate as OpenBLAS (the reference GEMM): its largest error against the exact
    /// (Double) product is at most twice BLAS's.
    @Test(arguments: shapes)
    func asAccurateAsBLAS(_ s: Shape) {
        let a = randn([s.m, s.k], seed: 83), b = randn([s.k, s.n], seed: 84)
        let viaBLAS = Tensor.zeros([s.m, s.n]), direct = Tensor.zeros([s.m, s.n])
        Kernels.gemm(m: s.m, n: s.n, k: s.k, a: a.pointer, lda: max(1, s.k), b: b.pointer, ldb: s.n, beta: 0,
                     c: viaBLAS.pointer, ldc: s.n)
        Kernels.directGemm(m: s.m, n: s.n, k: s.k, a: a.pointer, lda: max(1, s.k), b: b.pointer, ldb: s.n, accumulate: false,
                           c: direct.pointer, ldc: s.n)
        var exact = [Double](repeating: 0, count: s.m * s.n)
        for i in 0..<s.m {
            for j in 0..<s.n {
                for p in 0..<s.k { exact[i * s.n + j] += Double(a.pointer[i * s.k + p]) * Double(b.pointer[p * s.n + j]) }
            }
        }
        func largestError(_ c: Tensor) -> Double { zip(c.scalars, exact).map { abs(Double($0) - $1) }.max() ?? 0 }
        let directError = largestError(direct), blasError = largestError(viaBLAS)
        #expect(directError <= max(2 * blasError, 1e-6), "error \(directError), BLAS \(blasError)")
    }

    /// The implicit im2col product (`shiftedGemm`) equals `directGemm` on the explicit im2col
    /// matrix to the bit, on square, non-square and tall-kernel "same"-width geometries, with
    /// row counts across the 8-row tiles and C overwritten and accumulated.
    @Test(arguments: [(c: 16, h: 28, w: 28, kh: 3, kw: 3, p: 1), (c: 3, h: 7, w: 7, kh: 3, kw: 3, p: 1),
                      (c: 2, h: 5, w: 9, kh: 3, kw: 3, p: 1), (c: 5, h: 9, w: 9, kh: 5, kw: 5, p: 2),
                      (c: 4, h: 6, w: 11, kh: 3, kw: 1, p: 0), (c: 7, h: 1, w: 3, kh: 3, kw: 3, p: 1)], [1, 9, 16])
    func implicitIm2colEqualsExplicit(_ s: (c: Int, h: Int, w: Int, kh: Int, kw: Int, p: Int), m: Int) {
        let g = ConvGeometry(channels: s.c, height: s.h, width: s.w, kernelH: s.kh, kernelW: s.kw, stride: 1, padding: s.p)
        let x = randn([s.c, s.h, s.w], seed: 85), a = randn([m, g.K], seed: 86)
        let col = Tensor.zeros([g.K, g.L])
        Kernels.im2col(g, images: 1, x: x.pointer, col: col.pointer)
        for accumulate in [false, true] {
            let explicit = randn([m, g.L], seed: 87), implicit = randn([m, g.L], seed: 87)
            Kernels.directGemm(m: m, n: g.L, k: g.K, a: a.pointer, lda: g.K, b: col.pointer, ldb: g.L, accumulate: accumulate,
                               c: explicit.pointer, ldc: g.L)
            Kernels.shiftedGemm(ShiftedTaps(g), channels: s.c, m: m, a: a.pointer, lda: g.K, x: x.pointer, accumulate: accumulate,
                                c: implicit.pointer, ldc: g.L)
            #expect(implicit.scalars == explicit.scalars, "accumulate \(accumulate)")
        }
    }
}
