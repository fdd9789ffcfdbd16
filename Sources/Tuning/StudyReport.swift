import Foundation
import Training

/// The text, CSV and figures of a finished (or running) study.
public struct StudyReport {
    public let state: StudyState

    public init(state: StudyState) { self.state = state }

    var names: [String] { state.settings.space.names }

    /// Trials in report order: complete ones by objective, then pruned, failed, running and lost.
    public var orderedTrials: [TrialRecord] {
        let rank: [TrialState: Int] = [.complete: 0, .pruned: 1, .failed: 2, .running: 3, .lost: 4]
        return state.trials.sorted {
            let a = rank[$0.state]!, b = rank[$1.state]!
            if a != b { return a < b }
            if a == 0 { return $0.value! < $1.value! }
            return $0.number < $1.number
        }
    }

    var objectiveName: String { state.settings.objective.rawValue }

    /// A Markdown table of every trial, best first.
    public var table: String {
        var lines = ["| trial | state | " + names.joined(separator: " | ") + " | \(objectiveName) | minutes | CPU minutes | note |",
                     "|" + String(repeating: " --- |", count: names.count + 6)]
        for t in orderedTrials {
            let cells = ["\(t.number)", t.state.rawValue] + names.map { t.values[$0]?.description ?? "" }
                + [t.value.map { String(format: "%.6g", $0) } ?? "-", t.wallSeconds.map { String(format: "%.1f", $0 / 60) } ?? "-",
                   t.cpuSeconds.map { String(format: "%.1f", $0 / 60) } ?? "-", t.message ?? ""]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// "best: trial 7, val-loss 0.0412 with timesteps=812 beta-min=… "
    public var bestLine: String {
        guard let best = state.best else { return "best: no complete trial yet" }
        return "best: trial \(best.number), \(objectiveName) \(String(format: "%.6g", best.value!)) with "
            + names.map { "\($0)=\(best.values[$0]!)" }.joined(separator: " ")
    }

    /// Trial counts by state and the CPU time the pruner saved: each pruned trial is charged the
    /// mean CPU time of the complete ones, less what it used.
    public var summary: String {
        let t = state.trials
        func count(_ s: TrialState) -> Int { t.filter { $0.state == s }.count }
        var line = "\(t.count) trials: \(count(.complete)) complete, \(count(.pruned)) pruned, \(count(.failed)) failed"
        if count(.running) > 0 { line += ", \(count(.running)) running" }
        if count(.lost) > 0 { line += ", \(count(.lost)) lost (rerun)" }
        line += String(format: "; %.1f CPU minutes in all", t.compactMap(\.cpuSeconds).reduce(0, +) / 60)
        let complete = t.filter { $0.state == .complete }.compactMap(\.cpuSeconds)
        let pruned = t.filter { $0.state == .pruned }.compactMap(\.cpuSeconds)
        if !complete.isEmpty, !pruned.isEmpty {
            let mean = complete.reduce(0, +) / Double(complete.count)
            let saved = pruned.reduce(0) { $0 + max(0, mean - $1) }
            line += String(format: "; pruning saved about %.1f CPU minutes", saved / 60)
        }
        return line
    }

    /// One row per trial: number, state, each parameter, the objective, seconds, note.
    public var csv: String {
        func quote(_ s: String) -> String { s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var lines = [(["trial", "state"] + names + [objectiveName, "wall_seconds", "cpu_seconds", "worker", "message"]).map(quote).joined(separator: ",")]
        for t in state.trials {
            let cells = ["\(t.number)", t.state.rawValue] + names.map { t.values[$0]?.description ?? "" }
                + [t.value.map { String(format: "%.9g", $0) } ?? "", t.wallSeconds.map { String(format: "%.1f", $0) } ?? "",
                   t.cpuSeconds.map { String(format: "%.1f", $0) } ?? "", t.worker, t.message ?? ""]
            lines.append(cells.map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The dataset of the study's base configuration.
    public var dataset: String {
        (try? ConfigOverride.apply([:], to: state.settings.baseConfig).data.dataset.rawValue) ?? "?"
    }

    /// Studies side by side in the layout of seed 000's Tables 1–2: one row per study (e.g. per
    /// schedule), with the dataset, the best trial's parameters and its objective.
    public static func sideBySide(_ reports: [StudyReport]) -> String {
        let names = reports.reduce(into: [String]()) { all, r in for n in r.names where !all.contains(n) { all.append(n) } }
        let objective = Set(reports.map(\.objectiveName)).sorted().joined(separator: "/")
        var lines = ["| schedule | dataset | " + names.joined(separator: " | ") + " | best \(objective) | trials |",
                     "|" + String(repeating: " --- |", count: names.count + 4)]
        for r in reports {
            let best = r.state.best
            let cells = [r.state.settings.label, r.dataset] + names.map { best?.values[$0]?.description ?? "-" }
                + [best.map { String(format: "%.6g", $0.value!) } ?? "-", "\(r.state.finishedCount)/\(r.state.settings.trials)"]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
