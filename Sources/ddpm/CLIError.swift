/// A mistake the user can fix, printed as one line naming the flag or file.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
