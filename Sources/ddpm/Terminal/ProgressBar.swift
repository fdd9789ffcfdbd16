import Foundation
import Training

/// Progress on stderr: a bar with rate and ETA redrawn about once a second on a terminal; plain
/// log lines (at most one every `logInterval` seconds) when stderr is a file or pipe, or TERM=dumb.
/// Callers report as often as they like (every step): the bar decides when to draw, by time.
final class ProgressBar {
    let label: String
    let isTTY: Bool
    let logInterval: Double
    /// Seconds between redraws on a terminal.
    let refreshInterval: Double
    private let start = Date()
    /// When to draw, and the measured rate and ETA (time-based, tested in ProgressMeterTests).
    private var meter: ProgressMeter
    /// The latest report not yet drawn (drawn by `finish`, so a bar never ends short of its count).
    private var pending: (() -> Void)?

    init(label: String, logInterval: Double = 10, refreshInterval: Double = 1) {
        self.label = label
        self.logInterval = logInterval
        self.refreshInterval = refreshInterval
        isTTY = ProcessInfo.processInfo.environment["TERM"] != "dumb" && isatty(STDERR_FILENO) != 0
        meter = ProgressMeter(interval: isTTY ? refreshInterval : logInterval)
    }

    /// Shows `done` of `total` (nil: unknown) with extra fields, e.g. "loss 0.031". Without a
    /// `rate`, the bar measures `done` per second itself, and derives the ETA from it and `total`.
    func update(done: Int, total: Int?, unit: String, rate: Double?, etaSeconds: Double?, fields: String = "", force: Bool = false) {
        let now = Date().timeIntervalSince(start)
        let due = meter.report(done: done, at: now, force: force)
        let rate = rate ?? meter.rate(done: done, at: now)
        let etaSeconds = etaSeconds ?? total.flatMap { meter.etaSeconds(done: done, total: $0, at: now) }
        let draw = { [self] in self.draw(done: done, total: total, unit: unit, rate: rate, etaSeconds: etaSeconds, fields: fields, now: now) }
        guard due else {
            pending = draw
            return
        }
        pending = nil
        draw()
    }

    private func draw(done: Int, total: Int?, unit: String, rate: Double?, etaSeconds: Double?, fields: String, now: Double) {
        let eta = etaSeconds.map { " ETA \(Self.clock($0))" } ?? ""
        let rateText = rate.map { String(format: " %.1f %@/s", $0, unit) } ?? ""
        let counter = (total.map { "\(done)/\($0)" } ?? "\(done)") + (fields.isEmpty ? "" : " " + fields)
        if isTTY {
            var bar = ""
            if let total, total > 0 {
                let width = 24, filled = min(width, width * done / total)
                bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
                    + String(format: "%3d%% ", 100 * done / total)
            }
            FileHandle.standardError.write(Data("\r\u{1B}[K\(label) \(bar)\(counter)\(rateText)\(eta)".utf8))
        } else {
            printError("\(label) \(counter)\(rateText)\(eta) [\(Self.clock(now))]")
        }
    }

    /// Ends the bar's line (on a terminal) so later output starts on a fresh line.
    /// On a terminal the latest count is drawn first, so the bar ends at its true count.
    func finish() {
        guard isTTY else { return }
        pending?()
        pending = nil
        FileHandle.standardError.write(Data("\n".utf8))
    }

    /// A message on its own line, without breaking the bar.
    func message(_ text: String) {
        if isTTY { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        printError(text)
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}

/// One line to stderr.
func printError(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
