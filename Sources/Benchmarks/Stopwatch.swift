import Foundation
import TensorCore  // monotonicSeconds

/// CPU seconds (user + system) this process has used so far, over all its threads. On a machine
/// shared with other work, wall time stretches with the others' load; CPU time much less so.
public func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Timings of repeated runs of one workload.
public struct BenchMeasurement: Sendable {
    public let name: String
    public let seconds: [Double]
    /// CPU seconds of each run (all threads).
    public var cpuSeconds: [Double] = []
    /// Floating-point operations in one run (0 when not meaningful).
    public let flops: Double
    /// Images processed in one run (0 when not meaningful).
    public let images: Int
    public var peakBytes: Int = 0

    public var median: Double { let s = seconds.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
    public var min: Double { seconds.min() ?? .nan }
    public func gflops(_ t: Double) -> Double { flops / t / 1e9 }
}

/// Runs `body` `warmup` times untimed, then `repeats` times timed.
public func measure(_ name: String, flops: Double = 0, images: Int = 0, warmup: Int = 1, repeats: Int,
                    _ body: () -> Void) -> BenchMeasurement {
    for _ in 0..<warmup { body() }
    var times: [Double] = [], cpu: [Double] = []
    for _ in 0..<repeats {
        let (t0, c0) = (monotonicSeconds(), processCPUSeconds())
        body()
        times.append(monotonicSeconds() - t0)
        cpu.append(processCPUSeconds() - c0)
    }
    var m = BenchMeasurement(name: name, seconds: times, flops: flops, images: images)
    m.cpuSeconds = cpu
    return m
}
