import DataIO
import Foundation

/// An exclusive `flock` on `RUN/.lock`, held by the process that trains in a run folder for as long
/// as it lives (released by the kernel when the process dies, however it dies). It tells a folder
/// whose run is still going from one left by a killed run, so a second `ddpm train` on the same
/// `--run-dir` (a doubled command, a requeue while the job is alive) never removes a live run's
/// files, and two `--resume`s of one folder never write the same checkpoints.
public final class RunLock {
    public static let fileName = ".lock"
    private let fd: Int32
    private let runPath: String
    /// Folders locked by this process: its own probe must not see them as taken by another.
    nonisolated(unsafe) private static var held: Set<String> = []
    private static let heldLock = NSLock()

    /// Takes the lock, creating the folder when needed; an error names the folder when another
    /// process holds it.
    public init(run: RunDirectory) throws {
        try FileSystem.createFolder(run.path)
        runPath = run.path
        let path = run.path + "/" + Self.fileName
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(path: path, operation: .write, code: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw RunDirectoryError.busy(run.path) }
            throw FileError(path: path, operation: .write, code: code)
        }
        Self.heldLock.withLock { _ = Self.held.insert(run.path) }
    }

    deinit {
        Self.heldLock.withLock { _ = Self.held.remove(runPath) }
        close(fd)
    }

    /// True when another process holds the lock of `run` (a run is training there now).
    public static func isHeldByAnotherProcess(_ run: RunDirectory) -> Bool {
        if heldLock.withLock({ held.contains(run.path) }) { return false }
        let fd = open(run.path + "/" + fileName, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }
}
