// Center crop and resize for single images held in plain buffers (8-bit or Float, HWC or CHW).
// Used by ImageFolder to turn arbitrary PNGs (e.g. 178x218 CelebA) into square training images.
// Resizing is separable: one pass over the width, one over the height, each with a weight table.

import TensorCore

/// Memory order of one image buffer: `hwc` is interleaved (as PNGImage.pixels), `chw` is planar.
public enum PixelLayout: Sendable {
    case hwc
    case chw
}

/// Center crop and resize. All functions take the source shape explicitly and return a new buffer
/// in the same layout.
public enum ImageResize {
    /// The centered `side x side` square (default `side = min(width, height)`).
    ///
    /// The offset is `(size − side) / 2` rounded down, so a 6x4 image keeps columns 1...4.
    /// (torchvision's CenterCrop rounds half to even; the two differ only for odd margins.)
    public static func centerCrop(_ pixels: [Float], width: Int, height: Int, channels: Int,
                                  layout: PixelLayout, side: Int? = nil) -> [Float] {
        cropped(pixels, width: width, height: height, channels: channels, layout: layout, side: side)
    }

    /// 8-bit variant of `centerCrop(_:width:height:channels:layout:side:)`.
    public static func centerCrop(_ pixels: [UInt8], width: Int, height: Int, channels: Int,
                                  layout: PixelLayout, side: Int? = nil) -> [UInt8] {
        cropped(pixels, width: width, height: height, channels: channels, layout: layout, side: side)
    }

    /// Resizes to `toWidth x toHeight`, each axis on its own:
    /// shrinking averages the source area each output pixel covers (box filter with fractional
    /// edge weights, like PIL's BOX / OpenCV's INTER_AREA); enlarging interpolates linearly between
    /// pixel centers (`src = (dst + 0.5) · n / m − 0.5`, clamped at the borders); equal sizes copy.
    public static func resize(_ pixels: [Float], width: Int, height: Int, channels: Int, layout: PixelLayout,
                              toWidth: Int, toHeight: Int) -> [Float] {
        checkShape(pixels.count, width: width, height: height, channels: channels, op: "resize")
        shapeCheck(toWidth > 0 && toHeight > 0, "ImageResize.resize: target \(toWidth)x\(toHeight) must be positive")
        // View the buffer as [outer, n, inner] with the resized axis in the middle.
        var out = pixels
        switch layout {
        case .hwc:
            out = resampleAxis(out, outer: height, n: width, inner: channels, to: toWidth)
            out = resampleAxis(out, outer: 1, n: height, inner: toWidth * channels, to: toHeight)
        case .chw:
            out = resampleAxis(out, outer: channels * height, n: width, inner: 1, to: toWidth)
            out = resampleAxis(out, outer: channels, n: height, inner: toWidth, to: toHeight)
        }
        return out
    }

    /// 8-bit variant of `resize`: computes in Float and rounds to the nearest byte.
    public static func resize(_ pixels: [UInt8], width: Int, height: Int, channels: Int, layout: PixelLayout,
                              toWidth: Int, toHeight: Int) -> [UInt8] {
        let resized = resize(pixels.map(Float.init), width: width, height: height, channels: channels,
                             layout: layout, toWidth: toWidth, toHeight: toHeight)
        return resized.map { UInt8(Swift.min(Swift.max($0.rounded(), 0), 255)) }
    }

    // MARK: - Implementation

    private static func checkShape(_ count: Int, width: Int, height: Int, channels: Int, op: String) {
        shapeCheck(width > 0 && height > 0 && channels > 0,
                        "ImageResize.\(op): shape \(width)x\(height)x\(channels) must be positive")
        shapeCheck(count == width * height * channels,
                        "ImageResize.\(op): \(count) values do not match \(width)x\(height)x\(channels)")
    }

    private static func cropped<T>(_ pixels: [T], width: Int, height: Int, channels: Int,
                                   layout: PixelLayout, side: Int?) -> [T] {
        checkShape(pixels.count, width: width, height: height, channels: channels, op: "centerCrop")
        let side = side ?? Swift.min(width, height)
        shapeCheck(side > 0 && side <= Swift.min(width, height),
                        "ImageResize.centerCrop: side \(side) does not fit a \(width)x\(height) image")
        let left = (width - side) / 2, top = (height - side) / 2
        var out: [T] = []
        out.reserveCapacity(side * side * channels)
        switch layout {
        case .hwc:
            for y in top..<(top + side) {
                let start = (y * width + left) * channels
                out += pixels[start..<(start + side * channels)]
            }
        case .chw:
            for c in 0..<channels {
                for y in top..<(top + side) {
                    let start = (c * height + y) * width + left
                    out += pixels[start..<(start + side)]
                }
            }
        }
        return out
    }

    /// Source taps for one output index along one axis: `weights[t]` multiplies source `first + t`.
    struct Taps {
        var first: Int
        var weights: [Float]
    }

    /// Weight table for resampling an axis of length `n` to length `m`.
    static func taps(from n: Int, to m: Int) -> [Taps] {
        if m < n {
            // Area: output i covers source [i·n/m, (i+1)·n/m). In units of 1/m that is
            // [i·n, (i+1)·n) and source pixel j is [j·m, (j+1)·m): integer overlaps, exact weights.
            // 4 -> 2: output 0 covers [0, 4), pixels 0 and 1 overlap by 2 each -> weights [0.5, 0.5].
            return (0..<m).map { i in
                let lo = i * n, hi = (i + 1) * n
                let first = lo / m, last = (hi - 1) / m
                let weights = (first...last).map { j in
                    Float(Swift.min(hi, (j + 1) * m) - Swift.max(lo, j * m)) / Float(n)
                }
                return Taps(first: first, weights: weights)
            }
        }
        // Bilinear between pixel centers (half-pixel convention, as align_corners=False).
        return (0..<m).map { i in
            let s = Swift.min(Swift.max((Double(i) + 0.5) * Double(n) / Double(m) - 0.5, 0), Double(n - 1))
            let j0 = Int(s.rounded(.down))
            let t = Float(s - Double(j0))
            return j0 + 1 < n ? Taps(first: j0, weights: [1 - t, t]) : Taps(first: j0, weights: [1])
        }
    }

    /// Resamples the middle axis of a `[outer, n, inner]` buffer to length `m`.
    static func resampleAxis(_ src: [Float], outer: Int, n: Int, inner: Int, to m: Int) -> [Float] {
        if m == n { return src }
        let table = taps(from: n, to: m)
        var dst = [Float](repeating: 0, count: outer * m * inner)
        for o in 0..<outer {
            for i in 0..<m {
                let dstBase = (o * m + i) * inner
                for (t, weight) in table[i].weights.enumerated() {
                    let srcBase = (o * n + table[i].first + t) * inner
                    for k in 0..<inner { dst[dstBase + k] += weight * src[srcBase + k] }
                }
            }
        }
        return dst
    }
}
