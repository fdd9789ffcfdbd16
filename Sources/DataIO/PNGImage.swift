// An 8-bit gray or RGB image with PNG text chunks, read and written through the CPNG shim.
// Of the image files in DataIO, only this one touches C pointers; it knows nothing about tensors.
import TensorCore
import CPNG
import Foundation

/// An 8-bit image as stored in a PNG file.
///
/// `pixels` is row-major and interleaved: `[H, W, C]`, so sample (y, x, c) sits at
/// `(y * width + x) * channels + c`. `channels` is 1 (gray) or 3 (RGB).
/// `text` holds the file's tEXt/zTXt/iTXt entries in file order (keys may repeat in foreign files);
/// ddpm uses it for provenance (command line, config, checkpoint, seed).
public struct PNGImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]
    public var text: [(key: String, value: String)]

    /// Creates an image; stops the process if `pixels.count != height * width * channels`
    /// or `channels` is not 1 or 3.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8],
                text: [(key: String, value: String)] = []) {
        shapeCheck(width > 0 && height > 0, "PNGImage: size \(width)x\(height) must be positive")
        shapeCheck(channels == 1 || channels == 3, "PNGImage: channels must be 1 or 3 (got \(channels))")
        shapeCheck(pixels.count == width * height * channels,
                        "PNGImage: \(pixels.count) bytes do not match \(width)x\(height)x\(channels) = \(width * height * channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
        self.text = text
    }

    /// The value of the first text entry named `key`, if any.
    public func textValue(forKey key: String) -> String? {
        text.first { $0.key == key }?.value
    }

    public static func == (a: PNGImage, b: PNGImage) -> Bool {
        a.width == b.width && a.height == b.height && a.channels == b.channels && a.pixels == b.pixels
            && a.text.count == b.text.count
            && zip(a.text, b.text).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

// MARK: - Reading

extension PNGImage {
    /// Reads any PNG as 8-bit gray or RGB.
    ///
    /// Palette images become RGB, low bit depths expand to 8 bits, 16-bit samples are rounded to
    /// 8 bits, and alpha (or tRNS transparency) is composited onto black: `v = round(c · a / 255)`.
    /// No gamma correction is applied.
    /// - Throws: `PNGError.unreadable` naming `path` for a missing, non-PNG, truncated or corrupt file.
    public static func read(from path: String) throws -> PNGImage {
        var image = ddpm_png_image()
        var err = [CChar](repeating: 0, count: 512 + path.utf8.count)
        guard ddpm_png_read(path, &image, &err, err.count) == 0 else {
            throw PNGError.unreadable(path: path, reason: reasonFromShim(err, path: path))
        }
        defer { ddpm_png_image_free(&image) }

        let width = Int(image.width), height = Int(image.height), channels = Int(image.channels)
        let pixels = Array(UnsafeBufferPointer(start: image.pixels, count: width * height * channels))
        var text: [(key: String, value: String)] = []
        for i in 0..<Int(image.ntext) {
            let key = latin1String(image.keys[i]!)
            let value = image.value_is_utf8[i] != 0 ? String(cString: image.values[i]!) : latin1String(image.values[i]!)
            text.append((key, value))
        }
        return PNGImage(width: width, height: height, channels: channels, pixels: pixels, text: text)
    }

    /// tEXt/zTXt chunks (and keywords) are Latin-1 by the PNG spec, and Latin-1 bytes are exactly
    /// the first 256 Unicode scalars.
    private static func latin1String(_ cString: UnsafePointer<CChar>) -> String {
        var scalars = String.UnicodeScalarView()
        var p = cString
        while p.pointee != 0 {
            scalars.append(Unicode.Scalar(UInt8(bitPattern: p.pointee)))
            p += 1
        }
        return String(scalars)
    }
}

// MARK: - Writing

extension PNGImage {
    /// Writes the image and its text entries atomically: the bytes go to a temporary file in the
    /// same directory, which is then renamed over `path`, so readers never see a half-written PNG.
    ///
    /// Text entries whose key and value are printable ASCII become tEXt chunks; others become iTXt
    /// (UTF-8). Values over 512 bytes are compressed.
    /// - Parameter overwrite: when false, an existing `path` is an error (the CLI's `--force` sets it).
    /// - Throws: `FileError` when the file cannot be written (or exists and `overwrite` is false),
    ///   `PNGError.invalidTextKey` or `.invalidTextValue` for text the format cannot hold.
    ///   No temporary file is left behind on failure.
    public func write(to path: String, overwrite: Bool) throws {
        for (key, value) in text {
            guard Self.isValidTextKey(key) else { throw PNGError.invalidTextKey(path: path, key: key) }
            guard !value.utf8.contains(0) else { throw PNGError.invalidTextValue(path: path, key: key) }
        }
        // Checked before encoding so the common mistake fails fast. A file created between this
        // check and the rename is overwritten: --force guards against user slips, not races.
        var status = stat()
        if !overwrite && lstat(path, &status) == 0 { throw FileError(path: path, operation: .write, code: EEXIST) }

        let temporary = Self.temporaryPath(besides: path)
        var err = [CChar](repeating: 0, count: 512 + path.utf8.count)
        let cKeys = text.map { strdup($0.key) }
        let cValues = text.map { strdup($0.value) }
        defer {
            cKeys.forEach { free($0) }
            cValues.forEach { free($0) }
        }
        let keyPointers = cKeys.map { UnsafePointer($0) }
        let valuePointers = cValues.map { UnsafePointer($0) }
        let written = pixels.withUnsafeBufferPointer { px in
            keyPointers.withUnsafeBufferPointer { keys in
                valuePointers.withUnsafeBufferPointer { values in
                    ddpm_png_write(temporary, path, px.baseAddress, Int32(width), Int32(height), Int32(channels),
                                   keys.baseAddress, values.baseAddress, Int32(text.count), &err, err.count)
                }
            }
        }
        guard written == 0 else {
            unlink(temporary)  // a failed encode may have left a partial file
            throw FileError(path: path, operation: .write, reason: Self.reasonFromShim(err, path: path))
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(path: path, operation: .rename, code: code)
        }
    }

    /// PNG keywords: 1-79 bytes; we allow printable ASCII only (the spec also allows Latin-1
    /// letters) and forbid leading, trailing and consecutive spaces, as the spec does.
    static func isValidTextKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard (1...79).contains(bytes.count), bytes.allSatisfy({ (0x20...0x7e).contains($0) }) else { return false }
        guard bytes.first != 0x20, bytes.last != 0x20 else { return false }
        return !zip(bytes, bytes.dropFirst()).contains { $0 == 0x20 && $1 == 0x20 }
    }

    /// `dir/.name.png.tmp-<pid>-<random>`: hidden, in the same directory (so rename is atomic and
    /// never crosses file systems), and unique per process and call.
    static func temporaryPath(besides path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }
}

extension PNGImage {
    /// The shim formats errors as "<path>: <reason>"; PNGError adds the path itself.
    fileprivate static func reasonFromShim(_ err: [CChar], path: String) -> String {
        let message = err.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let prefix = path + ": "
        return message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
    }
}
