/// When a progress display redraws, and the rate and ETA it shows. Callers report as often as
/// they like (every step); the meter decides by time, not by count, so a slow step and a fast
/// one both redraw about once per `interval`. The rate is measured from the first report, so
/// set-up before the work starts does not lower it. Pure logic: the caller passes the clock.
public struct ProgressMeter: Sendable {
    /// Seconds between redraws.
    public let interval: Double
    private var lastDraw = -Double.infinity
    private var first: (seconds: Double, done: Int)?

    public init(interval: Double) { self.interval = interval }

    /// Notes `done` at `now` (seconds on any monotonic clock); true when the display should redraw.
    public mutating func report(done: Int, at now: Double, force: Bool = false) -> Bool {
        if first == nil { first = (now, done) }
        guard force || now - lastDraw >= interval else { return false }
        lastDraw = now
        return true
    }

    /// Units done per second since the first report (nil until time and work have passed).
    public func rate(done: Int, at now: Double) -> Double? {
        guard let first, now > first.seconds, done > first.done else { return nil }
        return Double(done - first.done) / (now - first.seconds)
    }

    /// Seconds until `total`, at the measured rate.
    public func etaSeconds(done: Int, total: Int, at now: Double) -> Double? {
        rate(done: done, at: now).map { Double(max(0, total - done)) / $0 }
    }
}
