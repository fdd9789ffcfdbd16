// The one error type for file-system operations (create, write, read, remove, list, rename):
// which path, what went wrong in words, and what to do. Foundation's NSError dumps
// ("Error Domain=NSCocoaErrorDomain Code=… UserInfo={…}") never reach the user: every Foundation
// call that touches the file system goes through `FileSystem`, which converts its errors here.
import Foundation

/// A file operation that failed, as one line: `cannot write out/grid.png: permission denied; choose a writable folder`.
public struct FileError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Operation: String, Sendable {
        case read, write, list
        case createFolder = "create the folder"
        case remove, rename
    }

    public let path: String
    public let operation: Operation
    /// What went wrong, in words (no error-domain codes).
    public let problem: String
    /// What the user can do about it, when there is something to say.
    public let advice: String?
    /// The errno behind the failure, when there was one (decides bad input vs I/O failure).
    public let code: Int32?
    /// The option the path came from (`--out`), when there is one: the message names it.
    public var flag: String?

    public init(path: String, operation: Operation, problem: String, advice: String? = nil, code: Int32? = nil) {
        self.path = path
        self.operation = operation
        self.problem = problem
        self.advice = advice
        self.code = code
        self.flag = nil
    }

    /// The failure described by `errno`-style `code`, with advice for the common causes.
    public init(path: String, operation: Operation, code: Int32) {
        let problem: String, advice: String?
        switch code {
        case ENOENT:
            problem = operation == .read || operation == .list ? "no such file or folder" : "the folder it goes into does not exist"
            advice = operation == .read || operation == .list ? "check the path" : "create the folder first or choose another path"
        case EEXIST: (problem, advice) = ("it already exists", "pass --force to overwrite it or choose another path")
        case ENOTDIR: (problem, advice) = ("a part of the path is a file, not a folder", "choose a path inside a folder")
        case EISDIR: (problem, advice) = ("it is a folder, not a file", "give a file name")
        case EACCES, EPERM: (problem, advice) = ("permission denied", operation == .read ? "check the file's permissions" : "choose a folder you can write to")
        case EROFS: (problem, advice) = ("the file system is read-only", "choose a folder on a writable disk")
        case ENOSPC, EDQUOT: (problem, advice) = ("no space left on the device", "free some space or choose another disk")
        case ENAMETOOLONG: (problem, advice) = ("the name is too long", nil)
        default: (problem, advice) = (String(cString: strerror(code)).lowercased(), nil)
        }
        self.init(path: path, operation: operation, problem: problem, advice: advice, code: code)
    }

    /// A failure reported as text by C code (libpng's shim): the errno whose message it is, when
    /// it is one, else the text itself.
    public init(path: String, operation: Operation, reason: String) {
        let known = [ENOENT, EEXIST, ENOTDIR, EISDIR, EACCES, EPERM, EROFS, ENOSPC, EDQUOT, ENAMETOOLONG]
        if let code = known.first(where: { String(cString: strerror($0)) == reason }) {
            self.init(path: path, operation: operation, code: code)
        } else {
            self.init(path: path, operation: operation, problem: reason)
        }
    }

    public var description: String {
        "cannot \(operation.rawValue) \(flag.map { $0 + " " } ?? "")\(path): \(problem)" + (advice.map { "; \($0)" } ?? "")
    }

    /// True when the path itself is the mistake (missing, exists, wrong kind), as opposed to the
    /// machine refusing a well-formed request (permissions, full disk, hardware): bad input vs I/O failure.
    /// The same error, naming the option the path came from.
    public func from(flag: String) -> FileError {
        var copy = self
        copy.flag = flag
        return copy
    }

    public var isInputProblem: Bool {
        guard let code else { return true }
        return [ENOENT, EEXIST, ENOTDIR, EISDIR, ENAMETOOLONG].contains(code)
    }

    /// `error` as a FileError for `path`: Foundation's errors are reduced to their POSIX code;
    /// errors that are already one line (FileError, DataFileError, ...) pass through unchanged.
    public static func converting(_ error: Error, path: String, operation: Operation) -> Error {
        if error is FileError { return error }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return FileError(path: path, operation: operation, code: Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return FileError(path: path, operation: operation, code: Int32(underlying.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return FileError(path: path, operation: operation, code: ENOENT)
            case .fileWriteFileExists: return FileError(path: path, operation: operation, code: EEXIST)
            case .fileWriteNoPermission, .fileReadNoPermission: return FileError(path: path, operation: operation, code: EACCES)
            case .fileWriteVolumeReadOnly: return FileError(path: path, operation: operation, code: EROFS)
            case .fileWriteOutOfSpace: return FileError(path: path, operation: operation, code: ENOSPC)
            default: return FileError(path: path, operation: operation, problem: "the operation failed (\(ns.localizedDescription))")
            }
        }
        return error
    }
}
