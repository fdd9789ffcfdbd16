import CBLAS
import Dispatch
import Foundation

/// The only place that decides how many threads run.
///
/// Policy (measured on 2 cores, see README "Performance"): OpenBLAS is pinned to one thread and
/// all parallelism comes from Dispatch workers that each own a contiguous share of the work.
/// Two workers × one-thread GEMMs on per-image problems beat one two-thread GEMM, and the two
/// thread pools never compete for the cores. Work is split into a fixed number of contiguous
/// parts, so reductions are done in the same order every run: results are bitwise reproducible
/// for a given thread count.
public enum Parallel {
    nonisolated(unsafe) private static var _workers: Int = {
        openblas_set_num_threads(1)
        if let s = ProcessInfo.processInfo.environment["DDPM_THREADS"], let n = Int(s), n >= 1 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Number of workers used by parallel loops (default: the number of cores; `DDPM_THREADS` overrides).
    public static var workers: Int {
        get { _workers }
        set { openblas_set_num_threads(1); _workers = max(1, newValue) }
    }

    /// Calls `body(part, range)` for `parts` contiguous, near-equal slices of `0..<count`, concurrently.
    /// The slicing depends only on `count` and `parts`, never on timing.
    @inline(__always)
    public static func forEachPart(count: Int, parts: Int, _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
        let p = max(1, min(parts, count))
        if p == 1 { body(0, 0..<count); return }
        DispatchQueue.concurrentPerform(iterations: p) { i in
            body(i, (i * count / p)..<((i + 1) * count / p))
        }
    }

    /// Parallel loop over `0..<count` in `workers` contiguous parts, unless the work is too small
    /// to be worth waking a second thread (`grain` = minimum elements of work per part).
    @inline(__always)
    public static func forRange(_ count: Int, grain: Int = 32_768, _ body: (Range<Int>) -> Void) {
        let parts = min(workers, max(1, count / max(grain, 1)))
        forEachPart(count: count, parts: parts) { _, r in body(r) }
    }

    /// Number of parts `forRange` would use; callers that keep per-part partial sums size them with this.
    public static func partCount(_ count: Int, grain: Int = 32_768) -> Int {
        max(1, min(min(workers, max(1, count / max(grain, 1))), count))
    }
}
