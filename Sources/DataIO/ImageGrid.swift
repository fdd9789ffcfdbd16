// Float images in [-1, 1] to 8-bit PNGs: single images, torchvision-style grids, and
// rows x cols matrices (e.g. sampling trajectories: one row per sample, one column per timestep).
// Inputs are plain NCHW [Float] buffers; this file knows nothing about tensors.

import TensorCore

extension PNGImage {
    /// Maps a model-space value to a byte: clip to [-1, 1], then `round((x + 1) / 2 · 255)`.
    ///
    /// ```
    /// -1 -> 0,   0 -> 128 (127.5 rounds up),   1 -> 255,   ±2 -> clipped,   NaN -> 0
    /// ```
    /// NaN maps to 0 (black) so a diverged sample shows up as a dark tile rather than a crash.
    @inline(__always)
    public static func byte(fromUnit x: Float) -> UInt8 {
        guard !x.isNaN else { return 0 }
        let clipped = Swift.min(Swift.max(x, -1), 1)
        return UInt8(((clipped + 1) / 2 * 255).rounded())
    }

    /// One CHW image in [-1, 1] as a PNGImage.
    ///
    /// - Parameters:
    ///   - chw: `[C, H, W]` values, `C` = 1 (gray) or 3 (RGB).
    public init(chw: [Float], channels c: Int, height h: Int, width w: Int) {
        self = PNGImage.grid(chw, n: 1, c: c, h: h, w: w, rows: 1, cols: 1, padding: 0)
    }

    /// Tiles `n` images into a grid with `nrow` images per row, as torchvision's `make_grid` does.
    ///
    /// The grid has `min(nrow, n)` columns and `ceil(n / columns)` rows; image k sits at row
    /// `k / columns`, column `k % columns`. Every tile is surrounded by `padding` pixels of
    /// `padValue`, so the size is `(rows·(h + padding) + padding) x (cols·(w + padding) + padding)`.
    /// Unused cells in the last row stay `padValue`.
    /// Deviation from make_grid: 1-channel images give a 1-channel (gray) PNG, not 3 copies.
    /// - Parameters:
    ///   - nchw: `[N, C, H, W]` values in [-1, 1] (clipped), `C` = 1 or 3.
    ///   - padValue: in the same [-1, 1] space; the default -1 is black, like make_grid's 0 in [0, 1].
    public static func grid(_ nchw: [Float], n: Int, c: Int, h: Int, w: Int,
                            nrow: Int = 8, padding: Int = 2, padValue: Float = -1) -> PNGImage {
        shapeCheck(n > 0 && nrow > 0, "PNGImage.grid: n (\(n)) and nrow (\(nrow)) must be positive")
        let cols = Swift.min(nrow, n)
        let rows = (n + cols - 1) / cols
        return grid(nchw, n: n, c: c, h: h, w: w, rows: rows, cols: cols, padding: padding, padValue: padValue)
    }

    /// Tiles `n ≤ rows · cols` images row by row into a fixed `rows x cols` layout: image k sits at
    /// row `k / cols`, column `k % cols`. For a trajectory of S samples over T timesteps, pass the
    /// images sample-major (`[S, T, C, H, W]` flattened) with `rows: S, cols: T`.
    public static func grid(_ nchw: [Float], n: Int, c: Int, h: Int, w: Int,
                            rows: Int, cols: Int, padding: Int = 2, padValue: Float = -1) -> PNGImage {
        shapeCheck(c == 1 || c == 3, "PNGImage.grid: channels must be 1 or 3 (got \(c))")
        shapeCheck(n > 0 && h > 0 && w > 0 && padding >= 0,
                        "PNGImage.grid: bad shape n=\(n) c=\(c) h=\(h) w=\(w) padding=\(padding)")
        shapeCheck(nchw.count == n * c * h * w,
                        "PNGImage.grid: \(nchw.count) values do not match [\(n), \(c), \(h), \(w)]")
        shapeCheck(rows > 0 && cols > 0 && n <= rows * cols,
                        "PNGImage.grid: \(n) images do not fit \(rows) rows x \(cols) columns")

        let width = cols * (w + padding) + padding
        let height = rows * (h + padding) + padding
        var pixels = [UInt8](repeating: byte(fromUnit: padValue), count: width * height * c)
        for k in 0..<n {
            let top = (k / cols) * (h + padding) + padding
            let left = (k % cols) * (w + padding) + padding
            // NCHW planes in, HWC interleaved bytes out.
            for ch in 0..<c {
                let plane = (k * c + ch) * h * w
                for y in 0..<h {
                    let rowStart = ((top + y) * width + left) * c + ch
                    for x in 0..<w {
                        pixels[rowStart + x * c] = byte(fromUnit: nchw[plane + y * w + x])
                    }
                }
            }
        }
        return PNGImage(width: width, height: height, channels: c, pixels: pixels)
    }
}
