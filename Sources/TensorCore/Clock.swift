import Foundation

/// Seconds on the monotonic clock (never jumps with the wall clock): the one clock for
/// training-time budgets, throughput and benchmarks.
public func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
