// The one error type for reading and writing data files (IDX, CIFAR-10, safetensors) and for
// locating datasets. Every case prints as a single line that names the file or directory.

/// A data file or dataset directory that cannot be used, described in one line for the user.
public enum DataFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read: `"<path>: cannot read (<reason>)"`.
    case unreadable(path: String, reason: String)
    /// The file could not be written: `"<path>: cannot write (<reason>)"`.
    case unwritable(path: String, reason: String)
    /// The file was read but its contents break the format: `"<path>: <problem>"`.
    case malformed(path: String, problem: String)
    /// Files that belong together disagree, e.g. image and label counts.
    case mismatched(String)
    /// A dataset directory lacks files: `"<location>: <advice>"`, where the advice says what to put where.
    case datasetMissing(location: String, advice: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read (\(reason))"
        case let .unwritable(path, reason): return "\(path): cannot write (\(reason))"
        case let .malformed(path, problem): return "\(path): \(problem)"
        case let .mismatched(message): return message
        case let .datasetMissing(location, advice): return "\(location): \(advice)"
        }
    }
}
