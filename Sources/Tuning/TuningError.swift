/// A problem with a study, its search space or its journal, as one sentence naming the flag or file.
public enum TuningError: Error, CustomStringConvertible, Equatable {
    /// A `--search` specification that cannot be used.
    case search(String, String)
    case journal(String, String)
    case numerical(String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .search(spec, why): "--search \(spec): \(why)"
        case let .journal(path, why): "\(path): \(why)"
        case let .numerical(why): why
        case let .invalid(why): why
        }
    }
}
