import CBLAS
import CKernels

// The one entry point to cblas_sgemm. Conv forward/backward, matmul, Linear and attention all
// come through here.

extension Kernels {
    /// `C[m×n] = alpha · op(A) · op(B) + beta · C`, row-major, on the calling thread.
    /// op(A) is m×k (A is k×m when `transA`), op(B) is k×n (B is n×k when `transB`).
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS would leave C untouched; the mathematical answer is beta·C.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Whether this CPU runs `directGemm` (it needs AVX-512).
    static let directGEMMAvailable = ddpm_sgemm_available() != 0

    /// `C[m×n] = (accumulate ? C : 0) + op(A) · B` by the unpacked AVX-512 kernel of
    /// `Sources/CKernels/sgemm.c`, for the convolutions' shapes (few rows, wide B), on the calling
    /// thread. Each element of C adds its k products in order, so any split of C gives the same
    /// bits. Only when `directGEMMAvailable`; `gemm` (OpenBLAS) is the reference it is tested against.
    static func directGemm(transA: Bool = false, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                           b: UnsafePointer<Float>, ldb: Int, accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int) {
        ddpm_sgemm(m, n, k, a, transA ? 1 : lda, transA ? lda : 1, b, ldb, c, ldc, accumulate ? 1 : 0)
    }

    /// The same product split over the workers: by rows of C when there are enough, else by
    /// columns; each worker computes a disjoint block of C. Parts are whole blocks of 96 rows or
    /// columns (a multiple of every OpenBLAS sgemm unroll), because OpenBLAS picks its edge kernels
    /// by the shape of the problem and they round differently. With that, the row split equals the
    /// serial GEMM bit for bit; the column split agrees to rounding only (OpenBLAS blocks the other
    /// dimension by the problem's width), so an m < n product depends on the worker count, as
    /// `Kernels.sumAll` does. Both are tested at 1 and 3 workers.
    static func gemmParallel(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let flops = 2 * m * n * k
        let parts = flops < 2_000_000 ? 1 : Parallel.workers
        if parts == 1 {
            gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                 beta: beta, c: c, ldc: ldc)
            return
        }
        let A = SharedPointer(UnsafeMutablePointer(mutating: a)), B = SharedPointer(UnsafeMutablePointer(mutating: b))
        let C = SharedPointer(c)
        let block = 96, splitRows = m >= n, total = splitRows ? m : n
        Parallel.forEachPart(count: (total + block - 1) / block, parts: parts) { _, blocks in
            let r = (blocks.lowerBound * block)..<Swift.min(total, blocks.upperBound * block)
            if splitRows {
                // Rows r of op(A) start at A + r·lda, or at column r (A + r) when A is transposed.
                let aStart = transA ? A.p + r.lowerBound : A.p + r.lowerBound * lda
                gemm(transA: transA, transB: transB, m: r.count, n: n, k: k, alpha: alpha, a: aStart, lda: lda,
                     b: B.p, ldb: ldb, beta: beta, c: C.p + r.lowerBound * ldc, ldc: ldc)
            } else {
                let bStart = transB ? B.p + r.lowerBound * ldb : B.p + r.lowerBound
                gemm(transA: transA, transB: transB, m: m, n: r.count, k: k, alpha: alpha, a: A.p, lda: lda,
                     b: bStart, ldb: ldb, beta: beta, c: C.p + r.lowerBound, ldc: ldc)
            }
        }
    }
}
