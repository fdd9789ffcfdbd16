// The line-plot rasterizer: size, where series pixels land, legend, log scale, skipped points,
// tick placement and labels, and the bitmap font.
import Foundation
import Testing
import DataIO
@testable import Figures
import _TestSupport

@Suite struct LinePlotTests {
    let rising = LinePlot.Series(name: "rising", y: (0..<50).map { Double($0) })
    let falling = LinePlot.Series(name: "falling", y: (0..<50).map { Double(49 - $0) })

    /// Rows of `color` pixels inside the plot area but outside the legend, split into the left and
    /// right halves of the plot.
    func colorRows(_ image: PNGImage, _ color: PlotColor, _ layout: LinePlot.Layout) -> (left: [Int], right: [Int]) {
        var left: [Int] = [], right: [Int] = []
        let mid = (layout.plot.x0 + layout.plot.x1) / 2
        for y in layout.plot.y0...layout.plot.y1 {
            for x in layout.plot.x0...layout.plot.x1 where !(layout.legend?.contains(x: x, y: y) ?? false) {
                let i = (y * image.width + x) * 3
                guard PlotColor(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]) == color else { continue }
                if x < mid { left.append(y) } else { right.append(y) }
            }
        }
        return (left, right)
    }

    func mean(_ v: [Int]) -> Double { Double(v.reduce(0, +)) / Double(max(v.count, 1)) }

    @Test func risingSeriesMovesUpAndFallingSeriesMovesDown() {
        let plot = LinePlot(title: "Loss", xLabel: "step", yLabel: "loss", series: [rising, falling])
        let image = plot.rendered(width: 320, height: 200)
        #expect(image.width == 320 && image.height == 200 && image.channels == 3)
        let layout = plot.layout(width: 320, height: 200)

        // Screen rows grow downward: a rising series sits at smaller rows on the right.
        let up = colorRows(image, plot.color(ofSeries: 0), layout)
        #expect(up.left.count > 20 && up.right.count > 20)
        #expect(mean(up.right) < mean(up.left) - 40)
        let down = colorRows(image, plot.color(ofSeries: 1), layout)
        #expect(down.left.count > 20 && down.right.count > 20)
        #expect(mean(down.right) > mean(down.left) + 40)
        // The first point of the rising series (x 0, y 0) is at the bottom-left of the data area.
        #expect(layout.pixelX(0) == layout.plot.x0 && layout.pixelY(0) > layout.plot.y1 - 10)
    }

    @Test func legendShowsEachSeriesColor() throws {
        let plot = LinePlot(series: [rising, falling])
        let image = plot.rendered(width: 320, height: 200)
        let legend = try #require(plot.layout(width: 320, height: 200).legend)
        var colors = Set<PlotColor>()
        for y in legend.y0...legend.y1 {
            for x in legend.x0...legend.x1 {
                let i = (y * image.width + x) * 3
                colors.insert(PlotColor(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]))
            }
        }
        #expect(colors.isSuperset(of: [plot.color(ofSeries: 0), plot.color(ofSeries: 1), .black]))

        let dir = try ScratchDirectory()
        try image.write(to: dir.file("plot.png"), overwrite: false)
        #expect(try PNGImage.read(from: dir.file("plot.png")) == image)
    }

    @Test func tickLabelsAreDrawnLeftOfTheYAxis() {
        let plot = LinePlot(series: [rising])
        let image = plot.rendered(width: 240, height: 160)
        let layout = plot.layout(width: 240, height: 160)
        var dark = 0
        for y in 0..<image.height {
            for x in 0..<(layout.plot.x0 - LinePlot.tickLength) where image.pixels[(y * image.width + x) * 3] == 0 {
                dark += 1
            }
        }
        #expect(dark > 20)
    }

    @Test func nonFinitePointsAreSkippedAndDoNotStretchTheAxes() {
        var y = (0..<20).map { Double($0) }
        y[5] = .nan
        y[6] = .infinity
        y[12] = -.infinity
        let plot = LinePlot(series: [LinePlot.Series(name: "gappy", y: y)])
        let layout = plot.layout(width: 320, height: 200)
        #expect(layout.yAxis.lo > -1 && layout.yAxis.hi < 20)
        let image = plot.rendered(width: 320, height: 200)
        #expect(image.pixels.count == 320 * 200 * 3)
    }

    @Test func logScaleYUsesDecadesAndSkipsNonPositiveValues() {
        // A loss curve from 1 down to 1e-3, with a zero that a log axis cannot show.
        let y = (0...30).map { pow(10, -Double($0) / 10) } + [0]
        let plot = LinePlot(logScaleY: true, series: [LinePlot.Series(name: "loss", y: y)])
        let layout = plot.layout(width: 320, height: 200)
        #expect(layout.yAxis.ticks.map(\.label) == ["0.001", "0.01", "0.1", "1"])
        #expect(layout.yAxis.ticks.map(\.position) == [-3, -2, -1, 0])
        // Equal ratios are equal distances: 1 -> 0.1 spans as many rows as 0.1 -> 0.01.
        #expect(abs((layout.pixelY(-1) - layout.pixelY(0)) - (layout.pixelY(-2) - layout.pixelY(-1))) <= 1)
        let image = plot.rendered(width: 320, height: 200)
        let rows = colorRows(image, plot.color(ofSeries: 0), layout)
        #expect(mean(rows.right) > mean(rows.left) + 40)
    }

    @Test func emptyAndConstantPlotsStillRender() {
        #expect(LinePlot().rendered(width: 160, height: 120).width == 160)
        let flat = LinePlot(series: [LinePlot.Series(name: "flat", y: [0.02, 0.02, 0.02])])
        let layout = flat.layout(width: 200, height: 150)
        #expect(layout.yAxis.lo < 0.02 && layout.yAxis.hi > 0.02)
        #expect(flat.rendered(width: 200, height: 150).height == 150)
    }
}

@Suite struct PlotAxisTests {
    @Test func linearTicksAreNiceMultiples() {
        let axis = PlotAxis.linear(min: 0, max: 1, padding: 0)
        #expect(axis.ticks.map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let betas = PlotAxis.linear(min: 1e-4, max: 0.02, padding: 0)
        #expect(betas.ticks.map(\.label) == ["0.005", "0.010", "0.015", "0.020"])
        let steps = PlotAxis.linear(min: 0, max: 80_000, padding: 0)
        #expect(steps.ticks.map(\.label) == ["0", "20000", "40000", "60000", "80000"])
    }

    @Test func logTicksAddTwoAndFiveWithinTwoDecades() {
        let loss = PlotAxis.logarithmic(min: 0.03, max: 1, padding: 0.05)
        #expect(loss.ticks.map(\.label) == ["0.05", "0.1", "0.2", "0.5", "1"])
        let narrow = PlotAxis.logarithmic(min: 0.31, max: 0.38, padding: 0)
        #expect(narrow.ticks.map(\.label) == ["0.31", "0.32", "0.33", "0.34", "0.35", "0.36", "0.37", "0.38"])
    }

    @Test(arguments: [
        (0.0, 1.0, "0"), (0.25, 0.05, "0.25"), (-0.4, 0.2, "-0.4"), (20_000, 10_000, "20000"),
        (0.0002, 0.0002, "2e-4"), (0.00015, 0.00005, "1.5e-4"), (1e6, 1e6, "1e6"), (0.001, 0.001, "0.001"),
        (2.5e5, 5e4, "2.5e5"), (9.999e-5, 1e-7, "1.00e-4"),
    ])
    func labels(value: Double, step: Double, expected: String) {
        #expect(PlotAxis.label(value, step: step) == expected)
    }

    @Test func fontHasAGlyphForEveryPrintableASCIICharacter() {
        let space = BitmapFont.rows(of: " ")
        for code in 33...126 {
            let rows = BitmapFont.rows(of: Unicode.Scalar(UInt8(code)))
            #expect(rows.count == 7 && rows != space && rows.allSatisfy { $0 < 32 }, "glyph \(code)")
        }
        #expect(Array(BitmapFont.rows(of: "A")) == [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11])
        #expect(BitmapFont.width(of: "1e-4") == 23)
    }
}
