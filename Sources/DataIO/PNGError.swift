// Errors in a PNG's contents (reading) or in the text it is asked to hold (writing); failures of
// the file operations themselves are FileErrors. Each description is one line that names the file
// and what was expected.

/// Why a PNG could not be read or written.
public enum PNGError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file is missing, not a PNG, truncated or corrupt; `reason` is the OS or libpng message.
    case unreadable(path: String, reason: String)
    /// A text-chunk keyword breaks the PNG rule: 1-79 printable ASCII bytes, no leading, trailing
    /// or doubled spaces.
    case invalidTextKey(path: String, key: String)
    /// A text-chunk value contains a NUL byte, which PNG text chunks cannot hold.
    case invalidTextValue(path: String, key: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read PNG \(path): \(reason)"
        case .invalidTextKey(let path, let key):
            "cannot write PNG \(path): text key \"\(key)\" must be 1-79 printable ASCII characters without leading, trailing or doubled spaces"
        case .invalidTextValue(let path, let key):
            "cannot write PNG \(path): text value for key \"\(key)\" contains a NUL character"
        }
    }
}
