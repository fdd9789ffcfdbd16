import Foundation

/// Progress on stderr: a redrawn bar with rate and ETA on a terminal; plain log lines (at most
/// one every `logInterval` seconds) when stderr is a file or pipe, or TERM=dumb.
final class ProgressBar {
    let label: String
    let isTTY: Bool
    let logInterval: Double
    private var lastLog = -Double.infinity
    private let start = Date()

    init(label: String, logInterval: Double = 10) {
        self.label = label
        self.logInterval = logInterval
        isTTY = ProcessInfo.processInfo.environment["TERM"] != "dumb" && isatty(STDERR_FILENO) != 0
    }

    /// Shows `done` of `total` (nil: unknown) with extra fields, e.g. "loss 0.031".
    func update(done: Int, total: Int?, unit: String, rate: Double?, etaSeconds: Double?, fields: String = "", force: Bool = false) {
        let now = Date().timeIntervalSince(start)
        if !isTTY && !force && now - lastLog < logInterval { return }
        lastLog = now
        let eta = etaSeconds.map { " ETA \(Self.clock($0))" } ?? ""
        let rateText = rate.map { String(format: " %.1f %@/s", $0, unit) } ?? ""
        if isTTY {
            var bar = ""
            if let total, total > 0 {
                let width = 24, filled = min(width, width * done / total)
                bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
                    + String(format: "%3d%% ", 100 * done / total)
            }
            let counter = total.map { "\(done)/\($0)" } ?? "\(done)"
            FileHandle.standardError.write(Data("\r\u{1B}[K\(label) \(bar)\(counter) \(fields)\(rateText)\(eta)".utf8))
        } else {
            let counter = total.map { "\(done)/\($0)" } ?? "\(done)"
            printError("\(label) \(counter) \(fields)\(rateText)\(eta) [\(Self.clock(now))]")
        }
    }

    /// Ends the bar's line (on a terminal) so later output starts on a fresh line.
    func finish() { if isTTY { FileHandle.standardError.write(Data("\n".utf8)) } }

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
