// Whole-file reads, and whole-file writes that survive a crash: the target always holds either
// its old contents or the complete new ones, never a torn mix.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The static members below are named read/write, which would shadow the POSIX calls inside the enum.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

/// Reads and atomically replaces whole files through POSIX calls, reporting errors as `DataFileError`.
public enum DurableFile {
    /// Reads the whole file at `path`.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DataFileError.unreadable(path: path, reason: lastError()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DataFileError.unreadable(path: path, reason: lastError()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw DataFileError.unreadable(path: path, reason: "not a regular file")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw DataFileError.unreadable(path: path, reason: lastError()) }
            if got == 0 { break }  // the file shrank while we read it
            filled += got
        }
        return Array(bytes[0..<filled])
    }

    /// Replaces the file at `path` with `bytes` so that a crash or `kill -9` at any moment leaves
    /// either the old file or the new one intact.
    ///
    /// 1. write a temporary file in the same directory (rename is atomic only within one file system),
    /// 2. fsync it, so its data is on disk before any name points at it,
    /// 3. rename it over `path`, which atomically swaps the directory entry,
    /// 4. fsync the directory, so the rename itself survives a power loss.
    ///
    /// A crash between steps 1 and 3 can leave a stray `.<name>.tmp-*` file next to the target.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(bytes, to: path, beforeRename: {})
    }

    /// `beforeRename` lets tests stop the process between steps 2 and 3.
    static func write(_ bytes: [UInt8], to path: String, beforeRename: () -> Void) throws {
        let (directory, name) = split(path)
        let temporary = "\(directory)/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

        // Step 1: create exclusively so two writers never share a temporary file.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DataFileError.unwritable(path: path, reason: "creating \(temporary): \(lastError())") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(fd) }
            var written = 0
            while written < bytes.count {
                let put = bytes.withUnsafeBytes { posixWrite(fd, $0.baseAddress! + written, $0.count - written) }
                if put < 0 && errno == EINTR { continue }
                guard put > 0 else { throw DataFileError.unwritable(path: path, reason: lastError()) }
                written += put
            }
            // Step 2.
            guard fsync(fd) == 0 else { throw DataFileError.unwritable(path: path, reason: "fsync: \(lastError())") }
        }

        beforeRename()

        // Step 3.
        guard rename(temporary, path) == 0 else {
            throw DataFileError.unwritable(path: path, reason: "rename: \(lastError())")
        }
        renamed = true

        // Step 4.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else { throw DataFileError.unwritable(path: path, reason: "opening \(directory): \(lastError())") }
        defer { close(directoryFD) }
        guard fsync(directoryFD) == 0 else {
            throw DataFileError.unwritable(path: path, reason: "fsync of \(directory): \(lastError())")
        }
    }

    /// "a/b/c.bin" → ("a/b", "c.bin"); "c.bin" → (".", "c.bin"); "/c.bin" → ("/", "c.bin").
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
