// Progress bars redraw by time (about once a second), not every N steps, and measure their own
// rate and ETA from the first report.
import Testing
import Training

@Suite struct ProgressMeterTests {
    @Test func redrawsFollowTheClockNotTheCount() {
        var meter = ProgressMeter(interval: 1)
        // 1000 fast steps in 2.5 s: the first report, then one at each second.
        var draws: [Int] = []
        for step in 1...1000 where meter.report(done: step, at: Double(step) * 0.0025) { draws.append(step) }
        #expect(draws == [1, 401, 801], "\(draws)")
        // Slow steps of 3 s: every one is drawn.
        var slow = ProgressMeter(interval: 1)
        var slowDraws = 0
        for step in 1...5 where slow.report(done: step, at: Double(step) * 3) { slowDraws += 1 }
        #expect(slowDraws == 5)
        // force draws at once (a bar's last count).
        let forced = meter.report(done: 1000, at: 2.5, force: true)
        #expect(forced)
    }

    @Test func rateAndETAAreMeasuredFromTheFirstReport() {
        var meter = ProgressMeter(interval: 1)
        let drawn = meter.report(done: 10, at: 100)   // set-up took 100 s before the work: not counted
        #expect(drawn)
        #expect(meter.rate(done: 10, at: 100) == nil && meter.etaSeconds(done: 10, total: 50, at: 100) == nil)
        _ = meter.report(done: 30, at: 104)
        #expect(meter.rate(done: 30, at: 104) == 5)
        #expect(meter.etaSeconds(done: 30, total: 50, at: 104) == 4)
        #expect(meter.etaSeconds(done: 60, total: 50, at: 110) == 0, "never negative")
    }
}
