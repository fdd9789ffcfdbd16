import DataIO
import Figures
import Foundation

/// The study's figures, drawn with the project's LinePlot: the objective against the trial number
/// with the best-so-far line, and one panel per parameter (objective against the parameter's value,
/// log scale where the parameter is searched on one).
public enum StudyPlots {
    /// Trials as "+" markers: each point is a short horizontal and vertical stroke, separated by
    /// NaN points (which LinePlot treats as line breaks).
    static func markers(name: String, x: [Double], y: [Double], xSpan: Double, ySpan: Double, logY: Bool, color: PlotColor? = nil) -> LinePlot.Series {
        var px: [Double] = [], py: [Double] = []
        let dx = 0.012 * xSpan
        for (a, b) in zip(x, y) {
            let (lo, hi) = logY ? (b * exp(-0.025 * ySpan), b * exp(0.025 * ySpan)) : (b - 0.025 * ySpan, b + 0.025 * ySpan)
            px += [a - dx, a + dx, .nan, a, a, .nan]
            py += [b, b, .nan, lo, hi, .nan]
        }
        return LinePlot.Series(name: name, x: px, y: py, color: color)
    }

    static func span(_ v: [Double]) -> Double {
        guard let lo = v.min(), let hi = v.max(), hi > lo else { return 1 }
        return hi - lo
    }

    /// Whether the objective spans enough to read better on a log axis.
    static func wantsLog(_ y: [Double]) -> Bool {
        guard let lo = y.min(), let hi = y.max(), lo > 0 else { return false }
        return hi / lo > 5
    }

    public static func objectivePlot(_ state: StudyState) -> PNGImage {
        let complete = state.trials.filter { $0.state == .complete && $0.value != nil }.sorted { $0.number < $1.number }
        let x = complete.map { Double($0.number) }, y = complete.map { $0.value! }
        let logY = wantsLog(y)
        // The best-so-far line is a staircase: it drops at the trial that improved on it.
        var stairX: [Double] = [], stairY: [Double] = []
        for (a, v) in zip(x, y) {
            if let last = stairY.last {
                stairX.append(a)
                stairY.append(last)
            }
            stairX.append(a)
            stairY.append(min(v, stairY.last ?? .infinity))
        }
        var series: [LinePlot.Series] = []
        if !y.isEmpty {
            let ySpan = logY ? log(y.max()! / y.min()!) + 0.5 : span(y)
            series.append(markers(name: "trial", x: x, y: y, xSpan: max(1, span(x)), ySpan: ySpan, logY: logY))
            series.append(LinePlot.Series(name: "best so far", x: stairX, y: stairY))
        }
        let plot = LinePlot(title: "\(state.settings.label): \(state.settings.objective.rawValue) per trial", xLabel: "trial",
                            yLabel: state.settings.objective.rawValue, logScaleY: logY, series: series)
        return plot.rendered(width: 640, height: 400)
    }

    /// One panel per parameter, tiled two to a row.
    public static func parameterPanels(_ state: StudyState) -> PNGImage {
        let complete = state.trials.filter { $0.state == .complete && $0.value != nil }
        let y = complete.map { $0.value! }
        let logY = wantsLog(y)
        let panels = state.settings.space.parameters.map { p -> PNGImage in
            var x: [Double]
            var label = p.name
            switch p.domain {
            case let .categorical(choices):
                x = complete.map { t in Double(choices.firstIndex(of: "\(t.values[p.name]!)") ?? 0) }
                label += " (" + choices.enumerated().map { "\($0)=\($1)" }.joined(separator: " ") + ")"
            default:
                x = complete.map { t in if case let .number(v) = t.values[p.name]! { return v } else { return .nan } }
                if p.isLog {
                    x = x.map { log10($0) }
                    label = "log10 " + label
                }
            }
            var series: [LinePlot.Series] = []
            if !y.isEmpty {
                let ySpan = logY ? log(y.max()! / y.min()!) + 0.5 : span(y)
                series.append(markers(name: "trial", x: x, y: y, xSpan: span(x), ySpan: ySpan, logY: logY))
            }
            return LinePlot(title: p.name, xLabel: label, yLabel: state.settings.objective.rawValue, logScaleY: logY, series: series)
                .rendered(width: 480, height: 320)
        }
        return tile(panels, columns: min(2, max(1, panels.count)))
    }

    /// Places equally sized RGB images on a grid, row by row, white where a row is short.
    static func tile(_ images: [PNGImage], columns: Int) -> PNGImage {
        let w = images[0].width, h = images[0].height, c = images[0].channels
        let rows = (images.count + columns - 1) / columns
        let width = w * columns, height = h * rows
        var pixels = [UInt8](repeating: 255, count: width * height * c)
        for (k, image) in images.enumerated() {
            let ox = (k % columns) * w, oy = (k / columns) * h
            for row in 0..<h {
                let src = row * w * c, dst = ((oy + row) * width + ox) * c
                pixels.replaceSubrange(dst..<(dst + w * c), with: image.pixels[src..<(src + w * c)])
            }
        }
        return PNGImage(width: width, height: height, channels: c, pixels: pixels)
    }
}
