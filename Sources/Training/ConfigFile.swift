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

    public func yaml() throws -> String { try YAMLEncoder().encode(self) }
}
