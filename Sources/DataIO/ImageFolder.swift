// A dataset made of a folder of PNG files (e.g. CelebA crops), loaded whole into one NCHW [Float]
// batch in [-1, 1]. Listing, decoding, cropping, resizing and channel conversion live here;
// shuffling and batching belong to the training loop.
import TensorCore
import Foundation

/// Why an image folder could not be loaded. Unreadable PNGs surface as `PNGError.unreadable`,
/// which names the file.
public enum ImageFolderError: Error, CustomStringConvertible, Equatable, Sendable {
    case missing(path: String)
    case notADirectory(path: String)
    case unlistable(path: String, reason: String)
    case noPNGFiles(path: String, recursive: Bool)
    case smallerThanCrop(file: String, width: Int, height: Int, crop: Int)

    public var description: String {
        switch self {
        case .missing(let path):
            "image folder \(path) does not exist"
        case .notADirectory(let path):
            "image folder \(path) is not a directory"
        case .unlistable(let path, let reason):
            "cannot list image folder \(path): \(reason)"
        case .noPNGFiles(let path, let recursive):
            "image folder \(path) contains no .png files (searched \(recursive ? "recursively" : "top level only; subfolders are not searched"))"
        case .smallerThanCrop(let file, let width, let height, let crop):
            "\(file) is \(width)x\(height), smaller than the \(crop)x\(crop) center crop"
        }
    }
}

/// Every PNG in a folder as one batch of square images.
///
/// Files: names ending in `.png` (any case), hidden files (leading `.`) skipped, sorted by relative
/// path in byte order so the order is the same on every machine. By default only the top level is
/// searched; with `recursive` subfolders are too (symlinked folders are not followed, to avoid cycles).
///
/// Per image: decode (see `PNGImage.read`), take the centered `cropSide` square (default: the
/// largest), convert channels (gray -> RGB replicates; RGB -> gray is ITU-R BT.601 luma
/// `0.299 R + 0.587 G + 0.114 B`, as PIL's `convert("L")`), resize to `imageSize` (area average
/// when shrinking, bilinear when enlarging; no 8-bit rounding in between), map `v / 127.5 − 1`.
public struct ImageFolder: Sendable {
    /// Paths of the loaded files, in batch order.
    public let files: [String]
    public let channels: Int
    public let imageSize: Int
    /// `[N, C, imageSize, imageSize]` in [-1, 1], N = `files.count`.
    public let images: [Float]

    public var count: Int { files.count }

    /// Loads the folder. `limit` keeps only the first files (after sorting): a full CelebA at
    /// 64x64 RGB is 200k x 48 KB ≈ 9.8 GB of Float.
    public init(directory: String, imageSize: Int, channels: Int, recursive: Bool = false,
                cropSide: Int? = nil, limit: Int? = nil) throws {
        shapeCheck(imageSize > 0, "ImageFolder: imageSize must be positive (got \(imageSize))")
        shapeCheck(channels == 1 || channels == 3, "ImageFolder: channels must be 1 or 3 (got \(channels))")
        var files = try Self.pngFiles(in: directory, recursive: recursive)
        if let limit { files = Array(files.prefix(Swift.max(limit, 0))) }
        let plane = channels * imageSize * imageSize
        var images = [Float](repeating: 0, count: files.count * plane)
        for (k, file) in files.enumerated() {
            let image = try Self.loadImage(at: file, imageSize: imageSize, channels: channels, cropSide: cropSide)
            images.replaceSubrange((k * plane)..<((k + 1) * plane), with: image)
        }
        self.files = files
        self.channels = channels
        self.imageSize = imageSize
        self.images = images
    }

    /// The sorted `.png` paths under `directory` (see the type's documentation for the rules).
    public static func pngFiles(in directory: String, recursive: Bool) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw ImageFolderError.missing(path: directory)
        }
        guard isDirectory.boolValue else { throw ImageFolderError.notADirectory(path: directory) }

        var relative: [String] = []
        var pending = [""]  // folders still to list, relative to `directory`
        while let folder = pending.popLast() {
            let absolute = folder.isEmpty ? directory : directory + "/" + folder
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: absolute)
            } catch {
                // Foundation's message is long and platform-specific; the usual cause is access.
                let reason = access(absolute, R_OK | X_OK) != 0 ? String(cString: strerror(errno)) : "\(error)"
                throw ImageFolderError.unlistable(path: absolute, reason: reason)
            }
            for name in names where !name.hasPrefix(".") {
                let path = folder.isEmpty ? name : folder + "/" + name
                if name.lowercased().hasSuffix(".png") {
                    relative.append(path)
                } else if recursive && isRealDirectory(directory + "/" + path) {
                    pending.append(path)
                }
            }
        }
        guard !relative.isEmpty else { throw ImageFolderError.noPNGFiles(path: directory, recursive: recursive) }
        relative.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return relative.map { base + "/" + $0 }
    }

    /// One file as `[C, imageSize, imageSize]` in [-1, 1].
    public static func loadImage(at path: String, imageSize: Int, channels: Int,
                                 cropSide: Int? = nil) throws -> [Float] {
        let png = try PNGImage.read(from: path)
        let side = cropSide ?? Swift.min(png.width, png.height)
        guard side <= Swift.min(png.width, png.height) else {
            throw ImageFolderError.smallerThanCrop(file: path, width: png.width, height: png.height, crop: side)
        }
        // 1. Crop the bytes first: less to convert and resize.
        let square = ImageResize.centerCrop(png.pixels, width: png.width, height: png.height,
                                            channels: png.channels, layout: .hwc, side: side)
        // 2. HWC bytes -> CHW floats in 0...255 with the requested channel count.
        let chw = planar(square, pixelCount: side * side, from: png.channels, to: channels)
        // 3. Resize, then map 0...255 -> [-1, 1].
        let resized = ImageResize.resize(chw, width: side, height: side, channels: channels, layout: .chw,
                                         toWidth: imageSize, toHeight: imageSize)
        return resized.map { $0 / 127.5 - 1 }
    }

    /// Interleaved bytes with `source` channels to planar floats with `target` channels.
    static func planar(_ hwc: [UInt8], pixelCount: Int, from source: Int, to target: Int) -> [Float] {
        var out = [Float](repeating: 0, count: pixelCount * target)
        for p in 0..<pixelCount {
            switch (source, target) {
            case (1, _):
                for c in 0..<target { out[c * pixelCount + p] = Float(hwc[p]) }
            case (3, 1):
                let r = Float(hwc[3 * p]), g = Float(hwc[3 * p + 1]), b = Float(hwc[3 * p + 2])
                out[p] = 0.299 * r + 0.587 * g + 0.114 * b
            default:
                for c in 0..<target { out[c * pixelCount + p] = Float(hwc[source * p + c]) }
            }
        }
        return out
    }

    /// True for a directory that is not a symlink (lstat), so recursion cannot loop.
    private static func isRealDirectory(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
