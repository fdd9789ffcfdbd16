import Foundation
import TensorCore  // monotonicSeconds

/// Timings of repeated runs of one workload.
public struct BenchMeasurement: Sendable {
    public let name: String
    public let seconds: [Double]
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
    var times: [Double] = []
    for _ in 0..<repeats {
        let t0 = monotonicSeconds()
        body()
        times.append(monotonicSeconds() - t0)
    }
    return BenchMeasurement(name: name, seconds: times, flops: flops, images: images)
}
