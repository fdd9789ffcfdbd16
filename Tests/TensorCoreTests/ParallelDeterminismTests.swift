// The parallel splits give the serial result bit for bit, at 1 and at 3 workers (3 forces uneven
// parts on any machine). The worker count is a task-local, so these tests run in parallel with
// the rest without changing anyone else's split.
import Testing
@testable import TensorCore
import _TestSupport

@Suite struct ParallelDeterminismTests {
    @Test func workerCountIsTaskLocal() {
        let outside = Parallel.workers
        Parallel.withWorkers(3) {
            #expect(Parallel.workers == 3)
            Parallel.withWorkers(1) { #expect(Parallel.workers == 1) }
            #expect(Parallel.workers == 3)
        }
        #expect(Parallel.workers == outside)
        #expect(Parallel.withWorkers(0) { Parallel.workers } == 1, "at least one worker")
    }

    /// (m, n, k, transA, transB): ≥ 2 MFLOP so the split runs; m ≥ n splits rows, m < n columns
    /// (the column split with a transposed B starts each part at B + column·ldb). The row cases
    /// end parts mid-way through OpenBLAS's 12-row kernels unless the split is block-aligned.
    static let rowCases: [(Int, Int, Int, Bool, Bool)] = [
        (301, 7, 500, false, false), (301, 7, 500, true, true), (211, 9, 1100, false, true), (1000, 40, 100, true, false),
    ]
    static let columnCases: [(Int, Int, Int, Bool, Bool)] = [
        (7, 301, 500, false, false), (7, 301, 500, false, true), (9, 157, 720, true, true), (40, 1000, 100, false, true),
    ]

    /// C = 0.5·op(A)·op(B) + C0 through `gemmParallel` at `workers`, and through one serial GEMM.
    private func products(_ c: (Int, Int, Int, Bool, Bool), workers: Int) -> (split: Tensor, serial: Tensor, reference: [Double]) {
        let (m, n, k, transA, transB) = c
        #expect(2 * m * n * k >= 2_000_000)
        let a = randn([m * k], seed: 1), b = randn([k * n], seed: 2), c0 = randn([m * n], seed: 3)
        let (lda, ldb) = (transA ? m : k, transB ? k : n)
        let serial = Tensor(shape: [m * n], values: c0.scalars), split = Tensor(shape: [m * n], values: c0.scalars)
        Kernels.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a.pointer, lda: lda, b: b.pointer, ldb: ldb,
                     beta: 1, c: serial.pointer, ldc: n)
        Parallel.withWorkers(workers) {
            Kernels.gemmParallel(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a.pointer, lda: lda,
                                 b: b.pointer, ldb: ldb, beta: 1, c: split.pointer, ldc: n)
        }
        let ref = Naive.matmul(a.scalars, b.scalars, m: m, n: n, k: k, transA: transA, transB: transB)
        return (split, serial, zip(ref, c0.scalars).map { 0.5 * $0 + Double($1) })
    }

    @Test(arguments: [1, 3], 0..<4)
    func gemmRowSplitEqualsOneSerialGemm(workers: Int, index: Int) {
        let (split, serial, reference) = products(Self.rowCases[index], workers: workers)
        #expect(split.scalars.map(\.bitPattern) == serial.scalars.map(\.bitPattern))
        // And the product is the product (a split that skipped a block would still match itself).
        #expect(mismatch(split.scalars, reference, rtol: 1e-4, atol: 1e-3) == nil)
    }

    /// The column split covers every column exactly once (to rounding; see `gemmParallel`) and
    /// is bitwise reproducible at a given worker count.
    @Test(arguments: [1, 3], 0..<4)
    func gemmColumnSplitMatchesTheSerialGemm(workers: Int, index: Int) {
        let (split, serial, reference) = products(Self.columnCases[index], workers: workers)
        #expect(mismatch(split.scalars, serial.scalars, rtol: 1e-5, atol: 1e-5) == nil)
        #expect(mismatch(split.scalars, reference, rtol: 1e-4, atol: 1e-3) == nil)
        if workers == 1 { #expect(split.scalars.map(\.bitPattern) == serial.scalars.map(\.bitPattern)) }
        let again = products(Self.columnCases[index], workers: workers).split
        #expect(again.scalars.map(\.bitPattern) == split.scalars.map(\.bitPattern))
    }

    @Test(arguments: [1, 3], [false, true])
    func batchedGemmEqualsPerMatrixSerialGemms(workers: Int, transB: Bool) {
        let (count, m, n, k) = (8, 40, 48, 36)
        #expect(2 * m * n * k * count >= 1_000_000)
        let a = randn([count, m, k], seed: 4), b = randn([count, k, n], seed: 5)
        let ldb = transB ? k : n
        let serial = Tensor.zeros([count, m, n]), split = Tensor.zeros([count, m, n])
        for i in 0..<count {
            Kernels.gemm(transA: false, transB: transB, m: m, n: n, k: k, a: a.pointer + i * m * k, lda: k,
                         b: b.pointer + i * k * n, ldb: ldb, beta: 0, c: serial.pointer + i * m * n, ldc: n)
        }
        Parallel.withWorkers(workers) {
            Kernels.batchedGemm(count: count, transA: false, transB: transB, m: m, n: n, k: k, a: a.pointer, strideA: m * k, lda: k,
                                b: b.pointer, strideB: k * n, ldb: ldb, beta: 0, c: split.pointer, strideC: m * n, ldc: n)
        }
        #expect(split.scalars.map(\.bitPattern) == serial.scalars.map(\.bitPattern))
        let ref = Naive.matmul(Array(a.scalars[0..<(m * k)]), Array(b.scalars[0..<(k * n)]), m: m, n: n, k: k,
                               transA: false, transB: transB)
        #expect(mismatch(Array(split.scalars[0..<(m * n)]), ref, rtol: 1e-4, atol: 1e-4) == nil)
    }

    /// accumulateReduced's parallel branch (each row sums into its own destination element) needs
    /// dst count == row count and ≥ 2 parts' worth of rows: [3, 4100, 16] summed over the last axis.
    @Test func accumulateReducedParallelBranchEqualsSerial() {
        let srcShape = [3, 4100, 16], dstShape = [3, 4100, 1]
        let src = randn(srcShape, seed: 6), start = randn(dstShape, seed: 7)
        func reduced(workers: Int) -> Tensor {
            let dst = Tensor(shape: dstShape, values: start.scalars)
            Parallel.withWorkers(workers) {
                #expect(Parallel.partCount(3 * 4100, grain: 65_536 / 16) == min(workers, 3))
                Kernels.accumulateReduced(src: src.pointer, srcShape: srcShape, dst: dst.pointer, dstShape: dstShape, scale: 0.5)
            }
            return dst
        }
        let one = reduced(workers: 1), three = reduced(workers: 3)
        #expect(three.scalars.map(\.bitPattern) == one.scalars.map(\.bitPattern))
        let s = src.scalars, s0 = start.scalars
        let expected = (0..<(3 * 4100)).map { r in Double(s0[r]) + 0.5 * (0..<16).reduce(0.0) { $0 + Double(s[r * 16 + $1]) } }
        #expect(mismatch(three.scalars, expected, rtol: 1e-5, atol: 1e-5) == nil)
    }

    /// The public ops on top: matmul (row split) and batchedMatmul, forward and backward, give
    /// the same bits at 1 and 3 workers.
    @Test func matmulForwardAndBackwardDoNotDependOnTheWorkerCount() {
        func run(workers: Int) -> [[UInt32]] {
            Parallel.withWorkers(workers) {
                // y = a·bᵀ: [400, 120]·[120, 100] and da = dy·b: [400, 100]·[100, 120] split rows;
                // db = dyᵀ·a: [100, 400]·[400, 120] splits columns, so it is compared to rounding below.
                let a = randn([400, 120], seed: 8), b = randn([100, 120], seed: 9)
                a.requiresGrad = true; b.requiresGrad = true
                let q = randn([6, 40, 36], seed: 10), k = randn([6, 48, 36], seed: 11)
                q.requiresGrad = true; k.requiresGrad = true
                let y = a.matmul(b, transposeB: true), z = q.batchedMatmul(k, transposeB: true)
                (y.sum() + z.sum()).backward()
                return [y, z, a.grad!, q.grad!, k.grad!, b.grad!].map { $0.scalars.map(\.bitPattern) }
            }
        }
        let one = run(workers: 1), three = run(workers: 3)
        #expect(Array(three.prefix(5)) == Array(one.prefix(5)))
        #expect(mismatch(three[5].map(Float.init(bitPattern:)), one[5].map(Float.init(bitPattern:)), rtol: 1e-5, atol: 1e-4) == nil)
    }
}
