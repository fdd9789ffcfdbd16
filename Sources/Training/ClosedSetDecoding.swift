// YAML/JSON values of a closed set (`schedule: cosine`): an unknown value is one line that names the
// key and lists every valid value, like the command-line flags.

extension KeyedDecodingContainer {
    /// The enum at `key` spelled as its raw value, nil when the key is absent.
    func decodeChoiceIfPresent<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T?
    where T.RawValue == String {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let value = T(rawValue: text) else {
            let path = (codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw ConfigError.invalid("\(path): '\(text)' is not valid; expected one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}
