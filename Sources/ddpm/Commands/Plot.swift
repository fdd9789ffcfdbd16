import ArgumentParser
import DataIO
import Figures
import Foundation
import Training

extension DDPM {
    struct Plot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Overlay a metric of several runs on one figure.",
            discussion: """
                Reads each run's metrics.jsonl and draws the chosen metric over the training step, one line per run \
                with a legend (seed 000, Figure 2: training loss of several schedules). Example:
                  ddpm plot runs/linear runs/cosine --metric validationLoss --out val.png
                """)

        @Argument(help: ArgumentHelp("Run folders (or their metrics.jsonl files).", valueName: "run"))
        var runs: [String] = []
        @Option(help: "What to plot: a metrics.jsonl key.") var metric: MetricsField = .loss
        @Option(help: ArgumentHelp("Legend names, comma-separated, one per run (default: the paths as given).", valueName: "names"))
        var labels: String?
        @Flag(help: "Logarithmic y axis. (default: off)") var logY = false
        @Option(help: ArgumentHelp("PNG figure to write.", valueName: "path")) var out: String
        @Option(help: "Figure width in pixels.") var width = 720
        @Option(help: "Figure height in pixels.") var height = 440
        @Flag(help: "Overwrite an existing --out. (default: off)") var force = false

        private var names: [String] {
            labels.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? runs
        }

        func validate() throws {
            if runs.isEmpty { throw ValidationError("Give at least one run folder: ddpm plot runs/a runs/b --metric loss --out F.png") }
            if let labels, names.count != runs.count {
                throw ValidationError("--labels \(labels): \(names.count) names for \(runs.count) runs; give one per run")
            }
            guard (160...8192).contains(width), (120...8192).contains(height) else {
                throw ValidationError("--width and --height must be within 160…8192 and 120…8192 (got \(width)×\(height)).")
            }
        }

        func run() throws {
            try FileSystem.checkWritableFile(out, overwrite: force, flag: "--out")
            var series: [LinePlot.Series] = []
            for (run, name) in zip(runs, names) {
                let records = try Self.records(of: run)
                let line = metric.series(name: name, records: records)
                guard !line.x.isEmpty else {
                    let logged = MetricsField.present(in: records).map(\.rawValue)
                    throw CLIError("--metric \(metric.rawValue): \(run) logged no \(metric.rawValue)"
                                   + (logged.isEmpty ? " (its metrics.jsonl is empty)" : " (it logged: \(logged.joined(separator: ", ")))"))
                }
                series.append(line)
            }
            let plot = LinePlot(title: metric.rawValue, xLabel: "step", yLabel: metric.rawValue, logScaleY: logY, series: series)
            var png = plot.rendered(width: width, height: height)
            png.text = [("Software", "ddpm plot"), ("command", CommandLine.arguments.joined(separator: " ")),
                        ("metric", metric.rawValue), ("runs", runs.joined(separator: " "))]
            try png.write(to: out, overwrite: force)
            print("wrote \(out)")
        }

        /// A run's records: RUN/metrics.jsonl, or the file itself.
        static func records(of run: String) throws -> [MetricsRecord] {
            let kind = FileSystem.kind(of: run)
            guard kind.exists else { throw CLIError("\(run): no such run folder or metrics file") }
            let file = kind.isFolder ? RunDirectory(path: run).metricsPath : run
            guard FileSystem.kind(of: file).exists else { throw CLIError("\(run): not a run folder (it has no metrics.jsonl)") }
            return try MetricsLog.records(at: file)
        }
    }
}

