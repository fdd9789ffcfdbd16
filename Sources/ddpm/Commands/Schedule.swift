import ArgumentParser
import DataIO
import Diffusion
import Figures
import Foundation
import Training

extension DDPM {
    struct Schedule: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plot or print beta schedules.",
            discussion: "Draws beta_t and alpha-bar_t of all schedules or of a chosen few (the seeds' Figures 1 and 5; e.g. --schedule linear,cosine,sigmoid), and prints the table as CSV.")

        @Option(help: ArgumentHelp("Schedules to show, comma-separated (linear,cosine,sigmoid), or 'all'.", valueName: "schedules"))
        var schedule: ScheduleChoice = .all
        @OptionGroup var range: ScheduleParameterOptions
        @Option(help: ArgumentHelp("PNG figure to write.", valueName: "path")) var out: String?
        @Option(help: ArgumentHelp("CSV file to write ('-' for stdout).", valueName: "path")) var csv: String?
        @Flag(help: "Overwrite existing output files.") var force = false

        func validate() throws {
            if out == nil && csv == nil { throw ValidationError("Nothing to do: give --out FILE.png and/or --csv FILE (or --csv -).") }
        }

        func run() throws {
            // Outputs are checked before anything is computed or written, so a bad --out leaves no CSV behind.
            if let csv, csv != "-" { try FileSystem.checkWritableFile(csv, overwrite: force, flag: "--csv") }
            if let out { try FileSystem.checkWritableFile(out, overwrite: force, flag: "--out") }
            let kinds = schedule.schedules
            let parameters = range.parameters, timesteps = parameters.timesteps
            let tables = try kinds.map { try NoiseTables(schedule: $0, parameters: parameters) }
            for t in tables { if let w = t.terminalSignalWarning { printError(w) } }
            if let csv { try writeCSV(kinds, tables, to: csv) }
            if let out {
                let t = (1...timesteps).map(Double.init)
                let betas = LinePlot(title: "beta_t", xLabel: "t", yLabel: "beta", logScaleY: true,
                                     series: zip(kinds, tables).map { .init(name: $0.rawValue, x: t, y: $1.betas) })
                let alphaBar = LinePlot(title: "alpha-bar_t", xLabel: "t", yLabel: "alpha-bar",
                                        series: zip(kinds, tables).map { .init(name: $0.rawValue, x: t, y: $1.alphaBar) })
                try Self.stacked([betas.rendered(width: 720, height: 400), alphaBar.rendered(width: 720, height: 400)])
                    .write(to: out, overwrite: force)
                print("wrote \(out)")
            }
        }

        private func writeCSV(_ kinds: [BetaSchedule], _ tables: [NoiseTables], to path: String) throws {
            let timesteps = range.timesteps
            var lines = ["t," + kinds.flatMap { ["\($0.rawValue)_beta", "\($0.rawValue)_alpha_bar"] }.joined(separator: ",")]
            for i in 0..<timesteps {
                lines.append("\(i + 1)," + tables.flatMap { [String($0.betas[i]), String($0.alphaBar[i])] }.joined(separator: ","))
            }
            let text = lines.joined(separator: "\n") + "\n"
            if path == "-" { print(text, terminator: ""); return }
            try FileSystem.write(text, to: path, overwrite: force)
            printError("wrote \(path)")
        }

        /// Images of equal width, one above the other.
        static func stacked(_ images: [PNGImage]) -> PNGImage {
            PNGImage(width: images[0].width, height: images.map(\.height).reduce(0, +), channels: images[0].channels,
                     pixels: images.flatMap(\.pixels), text: [("Software", "ddpm schedule")])
        }
    }
}

/// `--schedule`: every beta schedule, or a comma-separated few in the order given.
enum ScheduleChoice: ExpressibleByArgument, Equatable {
    case all
    case chosen([BetaSchedule])

    /// nil for an unknown name; argument-parser then names the flag and lists the valid values.
    init?(argument: String) {
        if argument == "all" { self = .all; return }
        var chosen: [BetaSchedule] = []
        for name in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let s = BetaSchedule(rawValue: name.trimmingCharacters(in: .whitespaces)) else { return nil }
            if !chosen.contains(s) { chosen.append(s) }
        }
        self = .chosen(chosen)
    }

    static var allValueStrings: [String] { ["all"] + BetaSchedule.allCases.map(\.rawValue) }
    var defaultValueDescription: String { if case let .chosen(s) = self { s.map(\.rawValue).joined(separator: ",") } else { "all" } }

    var schedules: [BetaSchedule] { if case let .chosen(s) = self { s } else { BetaSchedule.allCases } }
}
