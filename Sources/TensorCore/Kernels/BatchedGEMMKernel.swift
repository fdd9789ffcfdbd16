// Many small GEMMs at fixed strides (attention's per-head products), split over the workers.

extension Kernels {
    /// `count` independent GEMMs at fixed strides, split over the workers (one single-threaded
    /// GEMM per matrix, so the result equals the serial one).
    static func batchedGemm(count: Int, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, strideA: Int, lda: Int, b: UnsafePointer<Float>, strideB: Int, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, strideC: Int, ldc: Int) {
        let A = SharedPointer(UnsafeMutablePointer(mutating: a)), B = SharedPointer(UnsafeMutablePointer(mutating: b))
        let C = SharedPointer(c)
        let parts = 2 * m * n * k * count < 1_000_000 ? 1 : Parallel.workers
        Parallel.forEachPart(count: count, parts: parts) { _, r in
            for i in r {
                gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: A.p + i * strideA, lda: lda,
                     b: B.p + i * strideB, ldb: ldb, beta: beta, c: C.p + i * strideC, ldc: ldc)
            }
        }
    }
}
