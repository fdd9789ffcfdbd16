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
/// for a given worker count.
///
/// The worker count is a task-local, like `GradMode`: `Parallel.withWorkers(3) { ... }` changes
/// it for one task (a test, a benchmark, the CLI's `DDPM_THREADS`) without touching another that
/// runs at the same time. It is read on the calling thread when a parallel loop starts; the loops'
/// bodies (on Dispatch threads) never read it, as parallel regions do not nest.
public enum Parallel {
    /// The machine's default: one worker per core. Reading it also pins OpenBLAS to one thread.
    public static let defaultWorkers: Int = {
        openblas_set_num_threads(1)
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    @TaskLocal private static var boundWorkers: Int?

    /// Number of workers used by parallel loops: `defaultWorkers`, unless `withWorkers` set it.
    public static var workers: Int { boundWorkers ?? defaultWorkers }

    /// Runs `body` with parallel loops split into `count` workers (at least 1).
    @discardableResult
    public static func withWorkers<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        _ = defaultWorkers  // pins OpenBLAS before any GEMM runs
        return try $boundWorkers.withValue(max(1, count)) { try body() }
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
