// A dataset made of a folder of PNG files (e.g. CelebA crops), decoded to NCHW bytes in chunks.
// Listing, decoding, cropping, resizing and channel conversion live here; caching is DatasetCache's,
// shuffling and batching the training loop's.
import Foundation
import TensorCore

/// Why an image folder could not be loaded. Unreadable PNGs surface as `PNGError.unreadable`,
/// which names the file.
public enum ImageFolderError: Error, CustomStringConvertible, Equatable, Sendable {
    case missing(path: String)
    case notADirectory(path: String)
    case unlistable(path: String, reason: String)
    case noPNGFiles(path: String, recursive: Bool)
    /// No PNG at the top level, and none in any subfolder either (all searched).
    case noPNGFilesInSubfolders(path: String, subfolders: [String])
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
        case .noPNGFilesInSubfolders(let path, let subfolders):
            "image folder \(path) contains no .png files, neither at the top level nor in its subfolders "
                + "(\(subfolders.prefix(5).joined(separator: ", "))\(subfolders.count > 5 ? ", …" : ""), searched recursively)"
        case .smallerThanCrop(let file, let width, let height, let crop):
            "\(file) is \(width)x\(height), smaller than the \(crop)x\(crop) center crop"
        }
    }
}

/// Every PNG in a folder as square images of one size, decoded on demand (`decodeBytes`) so a
/// caller can stream them into a cache file (DatasetCache) rather than hold them all; labelled when
/// the folder is split into per-class subfolders.
///
/// Labels: a folder whose top level holds no PNG files but whose subfolders do is a labelled set
/// (`root/CLASS/*.png`, as torchvision's `ImageFolder`): the non-hidden subfolders holding PNGs
/// (searched recursively), sorted in byte order, are the classes 0, 1, …, named by the folders.
/// Their files are interleaved so that every prefix (and so `limit` and the held-out last tenth)
/// takes about the same share of each class. Any other folder is unlabelled: every label is 0.
///
/// Files: names ending in `.png` (any case), hidden files (leading `.`) skipped, sorted by relative
/// path in byte order so the order is the same on every machine. By default only the top level is
/// searched; with `recursive` subfolders are too (symlinked folders are not followed, to avoid cycles).
///
/// Per image: decode (see `PNGImage.read`: palette images become RGB, 16-bit samples are rounded to
/// 8 bits, alpha is composited onto black), take the centered `cropSide` square (default: the
/// largest), convert channels (gray -> RGB replicates; RGB -> gray is ITU-R BT.601 luma
/// `0.299 R + 0.587 G + 0.114 B`, as PIL's `convert("L")`), resize to `imageSize` (area average
/// when shrinking, bilinear when enlarging), and round to a byte.
public struct ImageFolder: Sendable {
    /// Paths of the files, in dataset order.
    public let files: [String]
    public let channels: Int
    public let imageSize: Int
    public let cropSide: Int?
    /// Class label per file (all 0 for an unlabelled folder).
    public let labels: [Int]
    /// The class subfolders' names, label order; empty for an unlabelled folder.
    public let classNames: [String]

    public var count: Int { files.count }

    /// Lists the folder (decoding nothing yet). `limit` keeps only the first files (after sorting).
    public init(directory: String, imageSize: Int, channels: Int, recursive: Bool = false,
                cropSide: Int? = nil, limit: Int? = nil) throws {
        shapeCheck(imageSize > 0, "ImageFolder: imageSize must be positive (got \(imageSize))")
        shapeCheck(channels == 1 || channels == 3, "ImageFolder: channels must be 1 or 3 (got \(channels))")
        var files: [String], labels: [Int], classNames: [String] = []
        if !recursive, let classes = try Self.classFolders(in: directory) {
            let perClass = try classes.map { try Self.pngFiles(in: directory + "/" + $0, recursive: true) }
            (files, labels) = Self.interleaved(perClass)
            classNames = classes
        } else {
            do {
                files = try Self.pngFiles(in: directory, recursive: recursive)
            } catch ImageFolderError.noPNGFiles(let path, false) {
                // Subfolders were looked at (as classes) and hold no PNGs either: say so.
                let subfolders = Self.realSubfolders(of: directory)
                if !subfolders.isEmpty { throw ImageFolderError.noPNGFilesInSubfolders(path: path, subfolders: subfolders) }
                throw ImageFolderError.noPNGFiles(path: path, recursive: false)
            }
            labels = [Int](repeating: 0, count: files.count)
        }
        if let limit {
            files = Array(files.prefix(Swift.max(limit, 0)))
            labels = Array(labels.prefix(files.count))
        }
        self.init(files: files, labels: labels, classNames: classNames, channels: channels, imageSize: imageSize, cropSide: cropSide)
    }

    private init(files: [String], labels: [Int], classNames: [String], channels: Int, imageSize: Int, cropSide: Int?) {
        self.files = files
        self.labels = labels
        self.classNames = classNames
        self.channels = channels
        self.imageSize = imageSize
        self.cropSide = cropSide
    }

    /// The files at `indices` (in that order) with their labels; nothing is decoded.
    public func selecting(_ indices: [Int]) -> ImageFolder {
        ImageFolder(files: indices.map { files[$0] }, labels: indices.map { labels[$0] }, classNames: classNames,
                    channels: channels, imageSize: imageSize, cropSide: cropSide)
    }

    /// The folder's files split by colour, from their PNG headers alone (`PNGImage.channels(ofFileAt:)`):
    /// a colour count of 0 means gray only, of `count` colour only.
    public func colourCensus() throws -> (gray: [String], colour: [String]) {
        var gray: [String] = [], colour: [String] = []
        for file in files {
            if try PNGImage.channels(ofFileAt: file) == 1 { gray.append(file) } else { colour.append(file) }
        }
        return (gray, colour)
    }

    /// A source image that had to be enlarged more than 2× to reach `imageSize` (e.g. 1×1 → 28×28).
    public struct SmallSource: Equatable, Sendable {
        public let file: String
        public let width: Int
        public let height: Int
    }

    /// The images at `range` as NCHW bytes, decoded on every core, plus the files far smaller than `imageSize`.
    public func decodeBytes(_ range: Range<Int>) throws -> (bytes: [UInt8], small: [SmallSource]) {
        let plane = channels * imageSize * imageSize
        var bytes = [UInt8](repeating: 0, count: range.count * plane)
        var results = [Result<SmallSource?, Error>](repeating: .success(nil), count: range.count)
        let workers = Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, range.count))
        bytes.withUnsafeMutableBufferPointer { out in
            let target = SendableBytes(out.baseAddress!)
            results.withUnsafeMutableBufferPointer { slots in
                let resultSlots = SendableResults(slots.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    // Each worker decodes every `workers`-th image; slots are disjoint.
                    for k in stride(from: worker, to: range.count, by: workers) {
                        resultSlots.p[k] = Result {
                            let (image, source) = try Self.decode(at: files[range.lowerBound + k], imageSize: imageSize,
                                                                  channels: channels, cropSide: cropSide)
                            for (i, v) in image.enumerated() { target.p[k * plane + i] = UInt8(Swift.min(255, Swift.max(0, v.rounded()))) }
                            return source
                        }
                    }
                }
            }
        }
        return (bytes, try results.compactMap { try $0.get() })
    }

    /// The whole folder in memory, with its labels. For small folders and tests; training goes
    /// through DatasetCache.
    public func imageSet() throws -> ImageSet {
        ImageSet(bytes: try decodeBytes(0..<count).bytes, labels: labels,
                 channels: channels, height: imageSize, width: imageSize)
    }

    /// The class subfolders of a labelled folder (see the type's documentation), or nil when
    /// `directory` is unlabelled: it holds PNG files at the top level, or no subfolder holds any.
    /// A subfolder that cannot be listed is an error (dropping it would drop a class silently).
    public static func classFolders(in directory: String) throws -> [String]? {
        // An unreadable top folder is not labelled; `pngFiles` then reports why it cannot be read.
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory).filter({ !$0.hasPrefix(".") }) else { return nil }
        if names.contains(where: { $0.lowercased().hasSuffix(".png") && !isRealDirectory(directory + "/" + $0) }) { return nil }
        let classes = try names.filter { name in
            guard isRealDirectory(directory + "/" + name) else { return false }
            do { _ = try pngFiles(in: directory + "/" + name, recursive: true) } catch ImageFolderError.noPNGFiles { return false }
            return true
        }
        return classes.isEmpty ? nil : classes.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The non-hidden real (not symlinked) subfolders of `directory`, sorted; empty when it cannot be listed.
    static func realSubfolders(of directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []   // only for a message
        return names.filter { !$0.hasPrefix(".") && isRealDirectory(directory + "/" + $0) }.sorted()
    }

    /// Files of all classes in one order where file i of a class with n files sits at fraction i/n
    /// (ties by class): the last tenth holds about the last tenth of every class.
    static func interleaved(_ perClass: [[String]]) -> (files: [String], labels: [Int]) {
        var keyed: [(position: Double, label: Int, file: String)] = []
        for (label, files) in perClass.enumerated() {
            for (i, file) in files.enumerated() { keyed.append((Double(i) / Double(files.count), label, file)) }
        }
        keyed.sort { ($0.position, $0.label) < ($1.position, $1.label) }
        return (keyed.map(\.file), keyed.map(\.label))
    }

    /// One warning line for the files far smaller than `imageSize`, naming the first few.
    public static func warning(for small: [SmallSource], imageSize: Int) -> String? {
        guard !small.isEmpty else { return nil }
        let named = small.prefix(3).map { "\($0.file) (\($0.width)x\($0.height))" }.joined(separator: ", ")
        let others = small.count > 3 ? " and \(small.count - 3) more" : ""
        return "\(named)\(others): far smaller than --image-size \(imageSize), enlarged more than 2x (blurry training images)"
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
            do { names = try FileSystem.contents(of: absolute) } catch let error as FileError {
                throw ImageFolderError.unlistable(path: absolute, reason: error.problem)
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

    /// One file as `[C, imageSize, imageSize]` in [-1, 1], unrounded.
    public static func loadImage(at path: String, imageSize: Int, channels: Int,
                                 cropSide: Int? = nil) throws -> [Float] {
        try decode(at: path, imageSize: imageSize, channels: channels, cropSide: cropSide).values.map { $0 / 127.5 - 1 }
    }

    /// One file as `[C, imageSize, imageSize]` in 0...255, and the file when it was far smaller than `imageSize`.
    static func decode(at path: String, imageSize: Int, channels: Int,
                       cropSide: Int?) throws -> (values: [Float], small: SmallSource?) {
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
        // 3. Resize.
        let resized = ImageResize.resize(chw, width: side, height: side, channels: channels, layout: .chw,
                                         toWidth: imageSize, toHeight: imageSize)
        let small = side * 2 < imageSize ? SmallSource(file: path, width: png.width, height: png.height) : nil
        return (resized, small)
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

    /// Pointers for the decode workers, which write disjoint slots.
    private struct SendableBytes: @unchecked Sendable { let p: UnsafeMutablePointer<UInt8>; init(_ p: UnsafeMutablePointer<UInt8>) { self.p = p } }
    private struct SendableResults: @unchecked Sendable {
        let p: UnsafeMutablePointer<Result<SmallSource?, Error>>
        init(_ p: UnsafeMutablePointer<Result<SmallSource?, Error>>) { self.p = p }
    }

    /// True for a directory that is not a symlink (lstat), so recursion cannot loop.
    private static func isRealDirectory(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
