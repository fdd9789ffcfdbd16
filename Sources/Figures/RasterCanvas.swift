// The drawing primitives LinePlot needs on an RGB byte buffer: filled rectangles, thick lines
// (Bresenham, no anti-aliasing so series colors stay exact) and BitmapFont text.

import DataIO

/// An 8-bit RGB color.
public struct PlotColor: Equatable, Hashable, Sendable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public static let white = PlotColor(255, 255, 255)
    public static let black = PlotColor(0, 0, 0)
}

/// An integer rectangle; `x1`/`y1` are inclusive.
struct PixelRect: Equatable {
    var x0: Int, y0: Int, x1: Int, y1: Int

    func contains(x: Int, y: Int) -> Bool { x >= x0 && x <= x1 && y >= y0 && y <= y1 }
}

/// An RGB image being drawn; y grows downward. Every write is clipped to `clip`.
struct RasterCanvas {
    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]
    var clip: PixelRect

    init(width: Int, height: Int, background: PlotColor) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        clip = PixelRect(x0: 0, y0: 0, x1: width - 1, y1: height - 1)
        fill(PixelRect(x0: 0, y0: 0, x1: width - 1, y1: height - 1), background)
    }

    mutating func set(_ x: Int, _ y: Int, _ color: PlotColor) {
        guard clip.contains(x: x, y: y), x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = color.r
        pixels[i + 1] = color.g
        pixels[i + 2] = color.b
    }

    func color(_ x: Int, _ y: Int) -> PlotColor {
        let i = (y * width + x) * 3
        return PlotColor(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    mutating func fill(_ rect: PixelRect, _ color: PlotColor) {
        guard rect.x0 <= rect.x1, rect.y0 <= rect.y1 else { return }
        for y in rect.y0...rect.y1 {
            for x in rect.x0...rect.x1 { set(x, y, color) }
        }
    }

    /// Outline of `rect`, one pixel wide.
    mutating func stroke(_ rect: PixelRect, _ color: PlotColor) {
        line(rect.x0, rect.y0, rect.x1, rect.y0, color)
        line(rect.x0, rect.y1, rect.x1, rect.y1, color)
        line(rect.x0, rect.y0, rect.x0, rect.y1, color)
        line(rect.x1, rect.y0, rect.x1, rect.y1, color)
    }

    /// Bresenham's line; `thickness` stamps a thickness x thickness square at every step.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: PlotColor, thickness: Int = 1) {
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var x = x0, y = y0, err = dx + dy
        while true {
            for oy in 0..<thickness {
                for ox in 0..<thickness { set(x + ox, y + oy, color) }
            }
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Draws `text` with its top-left corner at (x, y).
    mutating func text(_ text: String, x: Int, y: Int, _ color: PlotColor, scale: Int = 1) {
        for (k, scalar) in text.unicodeScalars.enumerated() {
            let left = x + k * BitmapFont.advance * scale
            for (row, bits) in BitmapFont.rows(of: scalar).enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
                    fill(PixelRect(x0: left + column * scale, y0: y + row * scale,
                                   x1: left + (column + 1) * scale - 1, y1: y + (row + 1) * scale - 1), color)
                }
            }
        }
    }

    var image: PNGImage { PNGImage(width: width, height: height, channels: 3, pixels: pixels) }
}
