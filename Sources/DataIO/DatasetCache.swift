// Decoded datasets as one UInt8 file each, memory-mapped on use: a folder of PNGs is decoded once
// (not on every run), and no dataset is ever held as Float. IDX and CIFAR-10 files take the same
// path, so every dataset trains from the same kind of mapped bytes.
//
// File layout (little-endian):
//   0       "DDPMU8C1"
//   8       UInt64 length L of the JSON header
//   16      JSON header (count, channels, height, width, recipe key, warnings)
//   4096    pixels, count × C × H × W bytes, NCHW
//   after   labels, count × Int32
// The name holds a hash of the recipe: the source files' paths, sizes and modification times and
// the requested image shape, so a changed folder (a file added, replaced or touched) or another
// --image-size gets a new cache file instead of stale images.
import Foundation

public struct DatasetCache: Sendable {
    /// The folder cache files go into.
    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// `$DDPM_CACHE_DIR`, else `$XDG_CACHE_HOME/ddpm`, else `~/.cache/ddpm`.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["DDPM_CACHE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/ddpm" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/ddpm"
    }

    static let magic = Array("DDPMU8C1".utf8)
    static let dataOffset = 4096

    struct Header: Codable, Equatable {
        var count: Int
        var channels: Int
        var height: Int
        var width: Int
        var recipe: String
        var warnings: [String]
    }

    /// What the cache holds for one dataset, and how to make it when it is missing.
    public struct Recipe: Sendable {
        /// Short name for the file (`mnist-train`, `folder-64x64x3`).
        public let name: String
        /// Hash of everything the decoded bytes depend on.
        public let key: String

        /// A recipe over `files` (paths, sizes and modification times) plus `parameters`.
        public init(name: String, files: [String], parameters: String) throws {
            var hash = FNV1a64()
            hash.add("ddpm-u8-cache 1\n\(parameters)\n")
            for path in files {
                var info = stat()
                guard stat(path, &info) == 0 else { throw FileError(path: path, operation: .read, code: errno) }
                hash.add("\(path)\t\(info.st_size)\t\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)\n")
            }
            self.name = name
            self.key = String(format: "%016llx", hash.value)
        }
    }

    public func path(for recipe: Recipe) -> String { "\(folder)/\(recipe.name)-\(recipe.key).u8" }

    /// The cached set for `recipe`, or nil when there is none yet (or it is unreadable: it is then rebuilt).
    public func open(_ recipe: Recipe) -> (set: ImageSet, warnings: [String])? {
        try? Self.read(path(for: recipe), recipe: recipe)
    }

    /// Writes the cache for `recipe` from images produced in chunks by `produce(range)` (NCHW bytes
    /// of those images), then maps it. The file appears under its final name only when complete.
    public func build(_ recipe: Recipe, count: Int, channels: Int, height: Int, width: Int, labels: [Int],
                      warnings: () -> [String] = { [] }, chunk: Int = 512,
                      produce: (Range<Int>) throws -> [UInt8]) throws -> (set: ImageSet, warnings: [String]) {
        try FileSystem.createFolder(folder)
        DurableFile.removeLeftoverTemporaries(in: folder)
        let final = path(for: recipe)
        let (_, name) = DurableFile.split(final)
        let temporary = "\(folder)/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard let handle = FileHandle(forWritingAtPath: createEmpty(temporary)) else {
            throw FileError(path: temporary, operation: .write, code: errno)
        }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        let plane = channels * height * width
        do {
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(Self.dataOffset))
            for start in stride(from: 0, to: count, by: chunk) {
                let range = start..<min(count, start + chunk)
                let bytes = try produce(range)
                guard bytes.count == range.count * plane else {
                    fatalError("DatasetCache.build: \(range.count) images gave \(bytes.count) bytes, expected \(range.count * plane)")
                }
                try write(handle, Data(bytes), path: final)
            }
            var labelBytes = [UInt8](repeating: 0, count: count * 4)
            for (i, label) in labels.enumerated() {
                withUnsafeBytes(of: Int32(label).littleEndian) { labelBytes.replaceSubrange((4 * i)..<(4 * i + 4), with: $0) }
            }
            try write(handle, Data(labelBytes), path: final)
            let header = Header(count: count, channels: channels, height: height, width: width, recipe: recipe.key,
                                warnings: warnings())
            try handle.seek(toOffset: 0)
            try write(handle, Data(try Self.encode(header)), path: final)
            try handle.synchronize()
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError.converting(error, path: final, operation: .write)
        }
        guard rename(temporary, final) == 0 else { throw FileError(path: final, operation: .rename, code: errno) }
        renamed = true
        return try Self.read(final, recipe: recipe)
    }

    private func createEmpty(_ path: String) -> String {
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd >= 0 { close(fd) }
        return path
    }

    private func write(_ handle: FileHandle, _ data: Data, path: String) throws {
        do { try handle.write(contentsOf: data) } catch { throw FileError.converting(error, path: path, operation: .write) }
    }

    static func encode(_ header: Header) throws -> [UInt8] {
        var header = header
        var json = Array(try JSONEncoder().encode(header))
        // The warnings are the only unbounded part; keep the header inside its page.
        while 16 + json.count > dataOffset && !header.warnings.isEmpty {
            header.warnings.removeLast()
            json = Array(try JSONEncoder().encode(header))
        }
        var out = magic
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out += $0 }
        return out + json
    }

    /// Maps a cache file; throws when it is not a complete cache for `recipe`.
    static func read(_ path: String, recipe: Recipe) throws -> (set: ImageSet, warnings: [String]) {
        let start = try DurableFileHead.read(path, count: dataOffset)
        func corrupt(_ what: String) -> DataFileError { .malformed(path: path, problem: "not a ddpm dataset cache (\(what)); delete it to rebuild") }
        guard start.count == dataOffset, Array(start[0..<8]) == magic else { throw corrupt("bad signature") }
        let length = start[8..<16].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length > 0, 16 + length <= dataOffset,
              let header = try? JSONDecoder().decode(Header.self, from: Data(start[16..<(16 + length)])) else { throw corrupt("bad header") }
        guard header.recipe == recipe.key else { throw corrupt("made for other files") }
        let plane = header.channels * header.height * header.width
        let pixels = header.count * plane
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_size) == dataOffset + pixels + 4 * header.count else { throw corrupt("wrong size") }
        let storage = try ImageBytes(mapping: path, offset: dataOffset, length: pixels)
        let labelBytes = try DurableFileHead.read(path, count: 4 * header.count, offset: dataOffset + pixels)
        let labels = (0..<header.count).map { i in
            Int(Int32(littleEndian: labelBytes[(4 * i)..<(4 * i + 4)].enumerated().reduce(Int32(0)) { $0 | Int32($1.element) << (8 * $1.offset) }))
        }
        return (ImageSet(storage: storage, labels: labels, channels: header.channels, height: header.height, width: header.width),
                header.warnings)
    }
}

/// FNV-1a, 64 bits: a stable content hash for cache names (not for security).
struct FNV1a64 {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ text: String) {
        for b in text.utf8 { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
    }
}

/// Reads part of a file (the cache's header and labels) without reading the rest.
enum DurableFileHead {
    static func read(_ path: String, count: Int, offset: Int = 0) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, operation: .read, code: errno) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, count - filled, off_t(offset + filled)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            filled += got
        }
        return Array(bytes[0..<filled])
    }
}
