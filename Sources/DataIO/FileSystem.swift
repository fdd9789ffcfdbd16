// Every file-system call the library and the CLI make, with errors converted to FileError.
// Outputs are checked before work starts (so an hour of sampling never ends in "folder missing"),
// and written to a temporary sibling that is renamed into place only when complete.
import Foundation

public enum FileSystem {
    /// Whether `path` exists, and whether it is a folder.
    public static func kind(of path: String) -> (exists: Bool, isFolder: Bool) {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        return (exists, isFolder.boolValue)
    }

    /// Creates `path` and its parents; an existing folder is fine, an existing file is not.
    public static func createFolder(_ path: String) throws {
        let (exists, isFolder) = kind(of: path)
        if exists {
            guard isFolder else {
                throw FileError(path: path, operation: .createFolder, problem: "a file with that name exists", advice: "choose another path or remove the file")
            }
            return
        }
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            // Name the deepest ancestor that exists, when it is what stops us (a file, read-only).
            throw FileError.converting(error, path: path, operation: .createFolder)
        }
    }

    /// Checks, before any work, that a file can later be written at `path`: it does not exist
    /// (unless `overwrite`), it is not a folder, and its folder exists and is writable.
    /// `flag` names the option the path came from (`--out`), so the message says which.
    public static func checkWritableFile(_ path: String, overwrite: Bool, flag: String? = nil) throws {
        do { try checkWritableFile(path, overwrite: overwrite) } catch let error as FileError {
            throw flag.map { error.from(flag: $0) } ?? error
        }
    }

    private static func checkWritableFile(_ path: String, overwrite: Bool) throws {
        let (exists, isFolder) = kind(of: path)
        if exists && isFolder { throw FileError(path: path, operation: .write, code: EISDIR) }
        if exists && !overwrite { throw FileError(path: path, operation: .write, code: EEXIST) }
        try checkWritableFolder(parent(of: path), for: path)
    }

    /// Checks that files can be created inside `folder` (which may not exist yet: then its nearest
    /// existing ancestor must be a writable folder).
    public static func checkCanCreate(folder: String, flag: String? = nil) throws {
        do { try checkCanCreate(folder: folder) } catch let error as FileError {
            throw flag.map { error.from(flag: $0) } ?? error
        }
    }

    private static func checkCanCreate(folder: String) throws {
        let (exists, isFolder) = kind(of: folder)
        if exists && !isFolder {
            throw FileError(path: folder, operation: .createFolder, problem: "a file with that name exists", advice: "choose another path or remove the file")
        }
        try checkWritableFolder(exists ? folder : nearestExistingAncestor(of: folder), for: folder)
    }

    private static func checkWritableFolder(_ folder: String, for path: String) throws {
        let (exists, isFolder) = kind(of: folder)
        guard exists else { throw FileError(path: path, operation: .write, code: ENOENT) }
        guard isFolder else { throw FileError(path: path, operation: .write, code: ENOTDIR) }
        if access(folder, W_OK | X_OK) != 0 { throw FileError(path: path, operation: .write, code: errno) }
    }

    /// Writes `text` atomically (temporary file, fsync, rename); `overwrite: false` refuses an existing file.
    public static func write(_ text: String, to path: String, overwrite: Bool) throws {
        if !overwrite && kind(of: path).exists { throw FileError(path: path, operation: .write, code: EEXIST) }
        try DurableFile.write(Array(text.utf8), to: path)
    }

    /// Removes a file or folder; a missing one is not an error.
    public static func remove(_ path: String) throws {
        guard kind(of: path).exists else { return }
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw FileError.converting(error, path: path, operation: .remove)
        }
    }

    /// The names in a folder (unsorted). Read with opendir/readdir, because Foundation reports
    /// some failures (a file where the folder should be) as a bare "error 256" with no errno.
    public static func contents(of folder: String) throws -> [String] {
        guard let dir = opendir(folder) else { throw FileError(path: folder, operation: .list, code: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        errno = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        if errno != 0 { throw FileError(path: folder, operation: .list, code: errno) }
        return names
    }

    static func parent(of path: String) -> String { DurableFile.split(path).directory }

    private static func nearestExistingAncestor(of path: String) -> String {
        var current = path
        while !kind(of: current).exists {
            let up = parent(of: current)
            if up == current { break }
            current = up
        }
        return current
    }
}
