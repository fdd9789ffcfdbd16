import CKernels

/// The machine's fp32 peak as an FMA loop measures it, for `ddpm bench`'s "share of peak"
/// column: a register-only loop of the widest FMAs the CPU has (AVX-512, AVX2 or SSE2), one per
/// worker thread, so neither memory traffic nor BLAS packing is in the figure.
public enum FMAPeak {
    /// Runs the loop on `Parallel.workers` threads at once; returns the floating-point operations done.
    public static func run(iterationsPerThread: Int) -> Double {
        let workers = Parallel.workers
        Parallel.forEachPart(count: workers, parts: workers) { _, _ in _ = ddpm_fma_loop(iterationsPerThread) }
        return Double(workers) * ddpm_fma_loop(1) * Double(iterationsPerThread)
    }
}
