// An inpainting mask drawn by hand as a PNG: white = keep, black = generate. Gray, RGB, palette
// and alpha PNGs all work (PNGImage.read composites alpha onto black: transparent = generate).

/// Why a mask PNG cannot be used.
public enum MaskFileError: Error, CustomStringConvertible, Equatable, Sendable {
    case sizeMismatch(path: String, width: Int, height: Int, expectedWidth: Int, expectedHeight: Int)

    public var description: String {
        switch self {
        case let .sizeMismatch(path, width, height, expectedWidth, expectedHeight):
            "--mask-file \(path) is \(width)x\(height) but the images are \(expectedWidth)x\(expectedHeight); "
                + "draw the mask at the model's image size"
        }
    }
}

public enum MaskFile {
    /// The mask as H·W values, 1 = keep (luma ≥ 128), 0 = generate, row-major.
    /// RGB is reduced to BT.601 luma (as ImageFolder does) before the threshold.
    /// - Throws: `PNGError.unreadable` naming the file, or `MaskFileError.sizeMismatch`.
    public static func read(from path: String, height: Int, width: Int) throws -> [Float] {
        let png = try PNGImage.read(from: path)
        guard png.width == width, png.height == height else {
            throw MaskFileError.sizeMismatch(path: path, width: png.width, height: png.height,
                                             expectedWidth: width, expectedHeight: height)
        }
        return (0..<(width * height)).map { p in
            let c = png.channels, v = png.pixels
            let luma = c == 1 ? Float(v[p]) : 0.299 * Float(v[c * p]) + 0.587 * Float(v[c * p + 1]) + 0.114 * Float(v[c * p + 2])
            return luma >= 128 ? 1 : 0
        }
    }
}
