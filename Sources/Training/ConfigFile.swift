import DataIO
import Foundation
import Yams

extension TrainConfig {
    /// Reads a YAML (or JSON) config file; errors name the file and the offending key.
    public static func load(path: String) throws -> TrainConfig {
        let data: [UInt8]
        do { data = try DurableFile.read(path) } catch let error as FileError {
            throw ConfigError.unreadable(path: path, reason: error.problem)
        }
        do {
            return try YAMLDecoder().decode(TrainConfig.self, from: String(decoding: data, as: UTF8.self))
        } catch let error as ConfigError {
            throw ConfigError.unreadable(path: path, reason: error.description)
        } catch let DecodingError.dataCorrupted(context) where context.underlyingError is ConfigError {
            // Yams wraps errors thrown while decoding (e.g. a newer version) as "not valid YAML".
            throw ConfigError.unreadable(path: path, reason: "\(context.underlyingError!)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigError.unreadable(path: path, reason: "\(key.isEmpty ? "" : key + ": ")\(context.debugDescription)")
        } catch {
            throw ConfigError.unreadable(path: path, reason: "not a valid config: \(error)")
        }
    }

    /// Whether the config file at `path` gives the key at `keyPath` (e.g. ["model", "channels"])
    /// itself, rather than leaving it to its default.
    public static func fileSets(_ keyPath: [String], path: String) throws -> Bool {
        let text: String
        do { text = String(decoding: try DurableFile.read(path), as: UTF8.self) } catch let error as FileError {
            throw ConfigError.unreadable(path: path, reason: error.problem)
        }
        var node: Any? = try? Yams.load(yaml: text)
        for key in keyPath {
            guard let table = node as? [String: Any] else { return false }
            node = table[key]
        }
        return node != nil
    }

    public func yaml() throws -> String { try YAMLEncoder().encode(self) }
}
