// Whole-file reads, and whole-file writes that survive a crash: the target always holds either
// its old contents or the complete new ones, never a torn mix.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The static members below are named read/write, which would shadow the POSIX calls inside the enum.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

/// Reads and atomically replaces whole files through POSIX calls, reporting errors as `FileError`.
public enum DurableFile {
    /// Reads the whole file at `path`.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, operation: .read, code: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(path: path, operation: .read, code: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileError(path: path, operation: .read, problem: "not a regular file", advice: "give a file, not a folder or device")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw FileError(path: path, operation: .read, code: errno) }
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
        guard fd >= 0 else { throw FileError(path: path, operation: .write, code: errno) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(fd) }
            var written = 0
            while written < bytes.count {
                let put = bytes.withUnsafeBytes { posixWrite(fd, $0.baseAddress! + written, $0.count - written) }
                if put < 0 && errno == EINTR { continue }
                guard put > 0 else { throw FileError(path: path, operation: .write, code: errno) }
                written += put
            }
            // Step 2.
            guard fsync(fd) == 0 else { throw FileError(path: path, operation: .write, code: errno) }
        }

        beforeRename()

        // Step 3.
        guard rename(temporary, path) == 0 else {
            throw FileError(path: path, operation: .rename, code: errno)
        }
        renamed = true

        // Step 4.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else { throw FileError(path: directory, operation: .write, code: errno) }
        defer { close(directoryFD) }
        guard fsync(directoryFD) == 0 else { throw FileError(path: directory, operation: .write, code: errno) }
    }

    /// "a/b/c.bin" → ("a/b", "c.bin"); "c.bin" → (".", "c.bin"); "/c.bin" → ("/", "c.bin").
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// Removes the `.<name>.tmp-<pid>-<n>` files in `folder` that a process killed mid-write left
    /// behind (its pid no longer runs); a live writer's temporary file is kept. Returns the removed paths.
    @discardableResult
    public static func removeLeftoverTemporaries(in folder: String) -> [String] {
        guard let names = try? FileSystem.contents(of: folder) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") {
            guard let marker = name.range(of: ".tmp-", options: .backwards) else { continue }
            let pidText = name[marker.upperBound...].prefix { $0 != "-" }
            guard let pid = Int32(pidText), !isRunning(pid) else { continue }
            let path = folder + "/" + name
            if unlink(path) == 0 { removed.append(path) }
        }
        return removed.sorted()
    }

    private static func isRunning(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }
}
