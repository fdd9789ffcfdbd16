// A small line-plot rasterizer for ddpm's figures (the β_t / ᾱ_t schedule, the training loss):
// named series, axes with tick labels, a legend, optional log-scale y, drawn into an RGB PNGImage.
// Deliberately plain: one panel, no anti-aliasing, no markers.
import DataIO
import Foundation
import TensorCore

/// Named series of (x, y) points drawn as lines on shared axes.
///
/// Points whose x or y is NaN or infinite are skipped and break the line there; on a log-scale
/// y axis, points with y <= 0 are skipped the same way.
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// nil takes `LinePlot.palette[index % palette.count]`.
        public var color: PlotColor?

        public init(name: String, x: [Double], y: [Double], color: PlotColor? = nil) {
            shapeCheck(x.count == y.count, "LinePlot.Series \"\(name)\": \(x.count) x values but \(y.count) y values")
            self.name = name
            self.x = x
            self.y = y
            self.color = color
        }

        /// A series over x = 0, 1, 2, ... (e.g. timestep t, or logging step index).
        public init(name: String, y: [Double], color: PlotColor? = nil) {
            self.init(name: name, x: y.indices.map(Double.init), y: y, color: color)
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logScaleY: Bool
    public var series: [Series]

    public init(title: String = "", xLabel: String = "", yLabel: String = "", logScaleY: Bool = false,
                series: [Series] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logScaleY = logScaleY
        self.series = series
    }

    /// Default series colors (matplotlib's "tab10": blue, orange, green, red, purple, brown, pink,
    /// gray, olive, cyan), so all ten beta schedules can share one figure without repeats.
    public static let palette: [PlotColor] = [
        PlotColor(31, 119, 180), PlotColor(255, 127, 14), PlotColor(44, 160, 44),
        PlotColor(214, 39, 40), PlotColor(148, 103, 189), PlotColor(140, 86, 75),
        PlotColor(227, 119, 194), PlotColor(127, 127, 127), PlotColor(188, 189, 34), PlotColor(23, 190, 207),
    ]

    /// The color series `index` is drawn in.
    public func color(ofSeries index: Int) -> PlotColor {
        series[index].color ?? Self.palette[index % Self.palette.count]
    }

    /// Draws the plot into a `width x height` RGB image (at least 160 x 120).
    public func rendered(width: Int = 640, height: Int = 400) -> PNGImage {
        shapeCheck(width >= 160 && height >= 120, "LinePlot.rendered: \(width)x\(height) is too small (minimum 160x120)")
        let layout = layout(width: width, height: height)
        let plot = layout.plot
        var canvas = RasterCanvas(width: width, height: height, background: .white)

        // 1. Grid lines under everything else.
        for tick in layout.xAxis.ticks {
            let x = layout.pixelX(tick.position)
            canvas.line(x, plot.y0, x, plot.y1, Self.gridColor)
        }
        for tick in layout.yAxis.ticks {
            let y = layout.pixelY(tick.position)
            canvas.line(plot.x0, y, plot.x1, y, Self.gridColor)
        }

        // 2. Series, clipped inside the frame.
        canvas.clip = PixelRect(x0: plot.x0 + 1, y0: plot.y0 + 1, x1: plot.x1 - 1, y1: plot.y1 - 1)
        for (index, points) in plotSpacePoints().enumerated() {
            drawSeries(points, color: color(ofSeries: index), layout: layout, on: &canvas)
        }
        canvas.clip = PixelRect(x0: 0, y0: 0, x1: width - 1, y1: height - 1)

        // 3. Frame, ticks and tick labels.
        canvas.stroke(plot, .black)
        for tick in layout.xAxis.ticks {
            let x = layout.pixelX(tick.position)
            canvas.line(x, plot.y1, x, plot.y1 + Self.tickLength, .black)
            canvas.text(tick.label, x: x - BitmapFont.width(of: tick.label) / 2,
                        y: plot.y1 + Self.tickLength + Self.gap, .black)
        }
        for tick in layout.yAxis.ticks {
            let y = layout.pixelY(tick.position)
            canvas.line(plot.x0 - Self.tickLength, y, plot.x0, y, .black)
            canvas.text(tick.label, x: plot.x0 - Self.tickLength - Self.gap - BitmapFont.width(of: tick.label),
                        y: y - BitmapFont.glyphHeight / 2, .black)
        }

        // 4. Title, axis labels (y label sits above the axis: the font cannot rotate), legend.
        if !title.isEmpty {
            canvas.text(title, x: (width - BitmapFont.width(of: title, scale: 2)) / 2, y: Self.margin, .black, scale: 2)
        }
        if !yLabel.isEmpty {
            canvas.text(yLabel, x: Swift.max(Self.margin, plot.x0 - BitmapFont.width(of: yLabel) / 2),
                        y: plot.y0 - Self.gap - 2 * BitmapFont.glyphHeight, .black)
        }
        if !xLabel.isEmpty {
            canvas.text(xLabel, x: (plot.x0 + plot.x1 - BitmapFont.width(of: xLabel)) / 2,
                        y: height - Self.margin - BitmapFont.glyphHeight, .black)
        }
        if let legend = layout.legend { drawLegend(in: legend, on: &canvas) }
        return canvas.image
    }

    // MARK: - Layout

    static let margin = 8
    static let gap = 4
    static let tickLength = 4
    static let legendRowHeight = BitmapFont.glyphHeight + 4
    static let legendSampleLength = 16
    static let gridColor = PlotColor(225, 225, 225)
    static let legendBorderColor = PlotColor(160, 160, 160)

    /// Where everything goes for a given image size; internal so tests can find the plot area.
    struct Layout {
        var plot: PixelRect
        var legend: PixelRect?
        var xAxis: PlotAxis
        var yAxis: PlotAxis

        func pixelX(_ x: Double) -> Int {
            plot.x0 + Int(((x - xAxis.lo) / (xAxis.hi - xAxis.lo) * Double(plot.x1 - plot.x0)).rounded())
        }

        /// Screen y grows downward, so larger values map to smaller rows.
        func pixelY(_ y: Double) -> Int {
            plot.y1 - Int(((y - yAxis.lo) / (yAxis.hi - yAxis.lo) * Double(plot.y1 - plot.y0)).rounded())
        }
    }

    func layout(width: Int, height: Int) -> Layout {
        // Axes span every drawable point; x runs edge to edge, y gets 5% headroom.
        let points = plotSpacePoints().joined().compactMap { $0 }
        let xs = points.map(\.x), ys = points.map(\.y)
        let xAxis = PlotAxis.linear(min: xs.min() ?? 0, max: xs.max() ?? 1, padding: 0)
        let yAxis = logScaleY
            ? PlotAxis.logarithmic(min: ys.min().map { pow(10, $0) } ?? 1, max: ys.max().map { pow(10, $0) } ?? 10, padding: 0.05)
            : PlotAxis.linear(min: ys.min() ?? 0, max: ys.max() ?? 1, padding: 0.05)

        let lineHeight = BitmapFont.glyphHeight
        var top = Self.margin + lineHeight / 2
        if !title.isEmpty { top += 2 * lineHeight + Self.margin }
        if !yLabel.isEmpty { top += lineHeight + Self.gap }
        let yLabelWidth = yAxis.ticks.map { BitmapFont.width(of: $0.label) }.max() ?? 0
        let left = Self.margin + yLabelWidth + Self.gap + Self.tickLength
        var bottom = Self.tickLength + Self.gap + lineHeight + Self.margin
        if !xLabel.isEmpty { bottom += lineHeight + Self.gap }
        // Leave room for half of the last x label, which is centered on the right edge.
        let right = Swift.max(2 * Self.margin, BitmapFont.width(of: xAxis.ticks.last?.label ?? "") / 2 + Self.gap)
        let plot = PixelRect(x0: left, y0: top, x1: width - 1 - right, y1: height - 1 - bottom)

        var legend: PixelRect?
        if !series.isEmpty {
            let nameWidth = series.map { BitmapFont.width(of: $0.name) }.max() ?? 0
            let boxWidth = 3 * Self.gap + Self.legendSampleLength + nameWidth + Self.gap
            let boxHeight = series.count * Self.legendRowHeight + Self.gap
            legend = PixelRect(x0: plot.x1 - Self.margin - boxWidth, y0: plot.y0 + Self.margin,
                               x1: plot.x1 - Self.margin, y1: plot.y0 + Self.margin + boxHeight)
        }
        return Layout(plot: plot, legend: legend, xAxis: xAxis, yAxis: yAxis)
    }

    /// Each series' points in plot space (log10 y on a log axis); nil marks a skipped point.
    func plotSpacePoints() -> [[(x: Double, y: Double)?]] {
        series.map { s in
            zip(s.x, s.y).map { x, y in
                guard x.isFinite, y.isFinite, !logScaleY || y > 0 else { return nil }
                return (x, logScaleY ? log10(y) : y)
            }
        }
    }

    // MARK: - Drawing

    private func drawSeries(_ points: [(x: Double, y: Double)?], color: PlotColor, layout: Layout,
                            on canvas: inout RasterCanvas) {
        var previous: (x: Int, y: Int)?
        for (k, point) in points.enumerated() {
            guard let point else {
                previous = nil
                continue
            }
            let current = (x: layout.pixelX(point.x), y: layout.pixelY(point.y))
            if let previous {
                canvas.line(previous.x, previous.y, current.x, current.y, color, thickness: 2)
            } else if k + 1 == points.count || points[k + 1] == nil {
                // An isolated point: no segment will touch it, so mark it with a dot.
                canvas.fill(PixelRect(x0: current.x - 1, y0: current.y - 1, x1: current.x + 1, y1: current.y + 1), color)
            }
            previous = current
        }
    }

    private func drawLegend(in box: PixelRect, on canvas: inout RasterCanvas) {
        canvas.fill(box, .white)
        canvas.stroke(box, Self.legendBorderColor)
        for (index, s) in series.enumerated() {
            let rowTop = box.y0 + Self.gap + index * Self.legendRowHeight
            let midY = rowTop + BitmapFont.glyphHeight / 2
            let sampleX = box.x0 + Self.gap
            canvas.line(sampleX, midY, sampleX + Self.legendSampleLength, midY, color(ofSeries: index), thickness: 2)
            canvas.text(s.name, x: sampleX + Self.legendSampleLength + 2 * Self.gap, y: rowTop, .black)
        }
    }
}
