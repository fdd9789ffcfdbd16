import DataIO
import Foundation

/// Why the images to inpaint cannot be used; each message names the file or flag.
public enum InpaintingInputError: Error, CustomStringConvertible, Equatable, Sendable {
    case wrongShape(source: String, found: String, expected: String, hint: String)
    case indexOutOfRange(index: Int, count: Int, dataset: String)
    case noTestSplit(dataset: String)

    public var description: String {
        switch self {
        case let .wrongShape(source, found, expected, hint):
            "\(source) is \(found) but the model takes \(expected) images\(hint)"
        case let .indexOutOfRange(index, count, dataset):
            "--indices \(index): the \(dataset) test split has \(count) images (0…\(count - 1))"
        case let .noTestSplit(dataset):
            "\(dataset) has no test split; pass --input FILE.png or a folder of PNGs"
        }
    }
}

/// The images to inpaint, `[N, C, H, W]` in [-1, 1], with a name per image for provenance
/// ("fashion-mnist test #5", or the file path).
public struct InpaintingImages {
    public let pixels: [Float]
    public let names: [String]
    /// `[C, H, W]`.
    public let imageShape: [Int]

    public var count: Int { names.count }

    /// Images `indices` of `kind`'s test split (the split training never sees).
    /// `check` sees the loaded split first (commands pass `DataCompatibility.check` against their checkpoint).
    public static func dataset(_ kind: DatasetKind, dataDir: String?, indices: [Int], imageShape: [Int],
                               check: (ImageSet) throws -> Void = { _ in }) throws -> InpaintingImages {
        if kind == .folder { throw InpaintingInputError.noTestSplit(dataset: "--dataset folder") }
        let set = try DatasetLocator(kind: kind, dataDir: dataDir).load(.test)
        try check(set)
        let found = [set.channels, set.height, set.width]
        guard found == imageShape else {
            throw InpaintingInputError.wrongShape(source: "--dataset \(kind.rawValue)", found: describe(found), expected: describe(imageShape),
                                                  hint: "; use the dataset the checkpoint was trained on")
        }
        for i in indices where !(0..<set.count).contains(i) {
            throw InpaintingInputError.indexOutOfRange(index: i, count: set.count, dataset: kind.rawValue)
        }
        return InpaintingImages(pixels: set.gather(indices: indices), names: indices.map { "\(kind.rawValue) test #\($0)" },
                                imageShape: imageShape)
    }

    /// A PNG file, or every PNG at the top level of a folder (sorted by name).
    ///
    /// - Parameter resize: true for models trained on a `folder` dataset: each image is center-
    ///   cropped, converted and resized exactly as `ImageFolder` prepared the training images.
    ///   False for fixed-size datasets (MNIST, Fashion-MNIST, CIFAR-10), whose training images
    ///   were never resized: a file must then have the model's size and channel count (a gray
    ///   picture stored as RGB with R = G = B counts as gray).
    public static func files(_ path: String, imageShape: [Int], resize: Bool) throws -> InpaintingImages {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let files = exists && isDirectory.boolValue ? try ImageFolder.pngFiles(in: path, recursive: false) : [path]
        var pixels: [Float] = []
        for file in files {
            if resize {
                pixels += try ImageFolder.loadImage(at: file, imageSize: imageShape[1], channels: imageShape[0])
            } else {
                pixels += try exactImage(file, imageShape: imageShape)
            }
        }
        return InpaintingImages(pixels: pixels, names: files, imageShape: imageShape)
    }

    /// One PNG that must already be `imageShape`, as CHW in [-1, 1] (byte x → x/127.5 − 1).
    static func exactImage(_ file: String, imageShape: [Int]) throws -> [Float] {
        let png = try PNGImage.read(from: file)
        let (c, h, w) = (imageShape[0], imageShape[1], imageShape[2])
        let grayRGB = png.channels == 3 && c == 1 && isGray(png.pixels)
        guard png.width == w, png.height == h, png.channels == c || grayRGB else {
            throw InpaintingInputError.wrongShape(
                source: "--input \(file)", found: "\(png.width)x\(png.height) \(png.channels == 1 ? "gray" : "RGB")",
                expected: "\(w)x\(h) \(c == 1 ? "gray" : "RGB")",
                hint: " (the checkpoint's dataset has fixed-size images, so inputs are not resized; convert the file first)")
        }
        let plane = w * h, step = png.channels
        var chw = [Float](repeating: 0, count: c * plane)
        for ch in 0..<c { for p in 0..<plane { chw[ch * plane + p] = Float(png.pixels[p * step + ch]) / 127.5 - 1 } }
        return chw
    }

    /// Whether interleaved RGB bytes have R = G = B everywhere.
    private static func isGray(_ rgb: [UInt8]) -> Bool {
        for p in stride(from: 0, to: rgb.count, by: 3) where rgb[p] != rgb[p + 1] || rgb[p] != rgb[p + 2] { return false }
        return true
    }

    private static func describe(_ s: [Int]) -> String { "\(s[2])x\(s[1]) \(s[0] == 1 ? "gray" : s[0] == 3 ? "RGB" : "\(s[0])-channel")" }
}
