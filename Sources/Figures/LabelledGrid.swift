// A grid with a text label left of each row: `ddpm sample --class all` writes one row per class
// with the class's name beside it.

import DataIO
import TensorCore

extension PNGImage {
    /// `grid(…, nrow:)` with `rowLabels[r]` drawn left of row r in white BitmapFont text on the pad
    /// colour, vertically centred on the row. Glyphs scale with the tiles (×1 below 64-pixel tiles,
    /// ×2 below 96, …) so labels stay readable beside large images. Labels are printable ASCII;
    /// other characters draw as hollow boxes.
    public static func grid(_ nchw: [Float], n: Int, c: Int, h: Int, w: Int, nrow: Int, rowLabels: [String],
                            padding: Int = 2, padValue: Float = -1) -> PNGImage {
        let tiles = grid(nchw, n: n, c: c, h: h, w: w, nrow: nrow, padding: padding, padValue: padValue)
        let rows = (n + Swift.min(nrow, n) - 1) / Swift.min(nrow, n)
        shapeCheck(rowLabels.count == rows, "PNGImage.grid: \(rowLabels.count) row labels for \(rows) rows")
        let scale = Swift.max(1, h / 32)
        let margin = Swift.max(padding, 2)
        let labelWidth = (rowLabels.map { BitmapFont.width(of: $0, scale: scale) }.max() ?? 0) + 2 * margin
        let width = labelWidth + tiles.width
        var pixels = [UInt8](repeating: byte(fromUnit: padValue), count: width * tiles.height * c)
        for y in 0..<tiles.height {
            let source = y * tiles.width * c, target = (y * width + labelWidth) * c
            pixels.replaceSubrange(target..<(target + tiles.width * c), with: tiles.pixels[source..<(source + tiles.width * c)])
        }
        for (row, label) in rowLabels.enumerated() {
            let top = padding + row * (h + padding) + Swift.max(0, (h - BitmapFont.glyphHeight * scale) / 2)
            for (k, scalar) in label.unicodeScalars.enumerated() {
                let left = margin + k * BitmapFont.advance * scale
                for (glyphRow, bits) in BitmapFont.rows(of: scalar).enumerated() {
                    for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
                        for dy in 0..<scale {
                            for dx in 0..<scale {
                                let x = left + column * scale + dx, y = top + glyphRow * scale + dy
                                guard x < labelWidth, y < tiles.height else { continue }
                                for ch in 0..<c { pixels[(y * width + x) * c + ch] = 255 }
                            }
                        }
                    }
                }
            }
        }
        return PNGImage(width: width, height: tiles.height, channels: c, pixels: pixels)
    }
}
