// Matrix products through the one GEMM wrapper.
//
// Backward, for C = op(A)·op(B) with dC the upstream gradient:
//   dA = dC·op(B)ᵀ          (A stored transposed: dA = op(B)·dCᵀ)
//   dB = op(A)ᵀ·dC          (B stored transposed: dB = dCᵀ·op(A))

extension Tensor {
    /// `[M, K] · [K, N] → [M, N]`; with `transposeA` A is `[K, M]`, with `transposeB` B is `[N, K]`.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let a = self, b = other
        shapeCheck(a.rank == 2 && b.rank == 2, "matmul: operands \(describe(a.shape)) and \(describe(b.shape)) must be matrices")
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        shapeCheck(k == kb, "matmul: inner dimensions differ: \(describe(a.shape))\(transposeA ? "ᵀ" : "") · \(describe(b.shape))\(transposeB ? "ᵀ" : "")")
        let y = Tensor.uninitialized([m, n])
        Kernels.gemmParallel(transA: transposeA, transB: transposeB, m: m, n: n, k: k, a: a.pointer, lda: a.shape[1],
                             b: b.pointer, ldb: b.shape[1], beta: 0, c: y.pointer, ldc: n)
        return y.recordingBackward("matmul", inputs: [a, b]) { dy in
            if let da = a.gradForAccumulation() {
                if transposeA {
                    Kernels.gemmParallel(transA: transposeB, transB: true, m: k, n: m, k: n, a: b.pointer, lda: b.shape[1],
                                         b: dy.pointer, ldb: n, beta: 1, c: da, ldc: m)
                } else {
                    Kernels.gemmParallel(transA: false, transB: !transposeB, m: m, n: k, k: n, a: dy.pointer, lda: n,
                                         b: b.pointer, ldb: b.shape[1], beta: 1, c: da, ldc: k)
                }
            }
            if let db = b.gradForAccumulation() {
                if transposeB {
                    Kernels.gemmParallel(transA: true, transB: transposeA, m: n, n: k, k: m, a: dy.pointer, lda: n,
                                         b: a.pointer, ldb: a.shape[1], beta: 1, c: db, ldc: k)
                } else {
                    Kernels.gemmParallel(transA: !transposeA, transB: false, m: k, n: n, k: m, a: a.pointer, lda: a.shape[1],
                                         b: dy.pointer, ldb: n, beta: 1, c: db, ldc: n)
                }
            }
        }
    }

    /// Batched product `[B, M, K] · [B, K, N] → [B, M, N]` (transposes apply to each matrix).
    /// The batch is split over the workers, one single-threaded GEMM per matrix.
    public func batchedMatmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let a = self, b = other
        shapeCheck(a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0],
                   "batchedMatmul: operands \(describe(a.shape)) and \(describe(b.shape)) must be [B, ·, ·] with equal B")
        let B = a.shape[0]
        let (m, k) = transposeA ? (a.shape[2], a.shape[1]) : (a.shape[1], a.shape[2])
        let (kb, n) = transposeB ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
        shapeCheck(k == kb, "batchedMatmul: inner dimensions differ: \(describe(a.shape)) · \(describe(b.shape)) (transposeA: \(transposeA), transposeB: \(transposeB))")
        let (sa, sb, sc) = (a.shape[1] * a.shape[2], b.shape[1] * b.shape[2], m * n)
        let (lda, ldb) = (a.shape[2], b.shape[2])
        let y = Tensor.uninitialized([B, m, n])
        Kernels.batchedGemm(count: B, transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                            a: a.pointer, strideA: sa, lda: lda, b: b.pointer, strideB: sb, ldb: ldb,
                            beta: 0, c: y.pointer, strideC: sc, ldc: n)
        return y.recordingBackward("batchedMatmul", inputs: [a, b]) { dy in
            if let da = a.gradForAccumulation() {
                if transposeA {
                    Kernels.batchedGemm(count: B, transA: transposeB, transB: true, m: k, n: m, k: n,
                                        a: b.pointer, strideA: sb, lda: ldb, b: dy.pointer, strideB: sc, ldb: n,
                                        beta: 1, c: da, strideC: sa, ldc: m)
                } else {
                    Kernels.batchedGemm(count: B, transA: false, transB: !transposeB, m: m, n: k, k: n,
                                        a: dy.pointer, strideA: sc, lda: n, b: b.pointer, strideB: sb, ldb: ldb,
                                        beta: 1, c: da, strideC: sa, ldc: k)
                }
            }
            if let db = b.gradForAccumulation() {
                if transposeB {
                    Kernels.batchedGemm(count: B, transA: true, transB: transposeA, m: n, n: k, k: m,
                                        a: dy.pointer, strideA: sc, lda: n, b: a.pointer, strideB: sa, ldb: lda,
                                        beta: 1, c: db, strideC: sb, ldc: k)
                } else {
                    Kernels.batchedGemm(count: B, transA: !transposeA, transB: false, m: k, n: n, k: m,
                                        a: a.pointer, strideA: sa, lda: lda, b: dy.pointer, strideB: sc, ldb: n,
                                        beta: 1, c: db, strideC: sb, ldc: n)
                }
            }
        }
    }
}
