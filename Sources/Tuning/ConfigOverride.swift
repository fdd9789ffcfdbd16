import Foundation
import Training
import Yams

/// Sets searched values in a training configuration. A name is either a config key path
/// (`diffusion.betaMin`) or a training flag (`beta-min`), which is the same key in camelCase in
/// whichever section knows it; the config's own decoder (which rejects unknown keys) decides, so
/// every key `ddpm train` accepts can be searched.
public enum ConfigOverride {
    static let sections = ["model", "diffusion", "data", "training"]

    /// `beta-min` → `betaMin`.
    static func camelCase(_ flag: String) -> String {
        let parts = flag.split(separator: "-")
        return parts.enumerated().map { i, p in i == 0 ? String(p) : p.prefix(1).uppercased() + p.dropFirst() }.joined()
    }

    /// The configuration `base` (YAML) with `values` set.
    public static func apply(_ values: [String: ParameterValue], to base: String) throws -> TrainConfig {
        guard var tree = try Yams.load(yaml: base) as? [String: Any] else { throw TuningError.invalid("the study's base configuration is not a YAML mapping") }
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            tree = try set(name, value, in: tree)
        }
        return try decode(tree)
    }

    static func decode(_ tree: [String: Any]) throws -> TrainConfig {
        try YAMLDecoder().decode(TrainConfig.self, from: try Yams.dump(object: tree))
    }

    static func set(_ name: String, _ value: ParameterValue, in tree: [String: Any]) throws -> [String: Any] {
        let paths: [[String]] = name.contains(".") ? [name.split(separator: ".").map(String.init)]
            : sections.map { [$0, camelCase(name)] }
        var lastError: Error?
        for path in paths where path.count == 2 {
            var copy = tree
            var section = copy[path[0]] as? [String: Any] ?? [:]
            if section[path[1]] is [Any] { throw TuningError.search(name, "\(path.joined(separator: ".")) is a list, which cannot be searched") }
            section[path[1]] = node(value, like: section[path[1]])
            copy[path[0]] = section
            do {
                _ = try decode(copy)
                return copy
            } catch { lastError = error }
        }
        if name.contains("."), name.split(separator: ".").count != 2 {
            throw TuningError.search(name, "a config key has the form section.key, e.g. diffusion.betaMin")
        }
        throw TuningError.search(name, "not a training flag or config key that takes this value (\(lastError.map { "\($0)" } ?? "unknown"))")
    }

    /// The YAML value for `value`: integers stay integers unless the key holds a fraction.
    static func node(_ value: ParameterValue, like existing: Any?) -> Any {
        switch value {
        case let .choice(s):
            if let i = Int(s) { return i }
            if let d = Double(s) { return d }
            return s
        case let .number(d):
            if d == d.rounded(), abs(d) < 1e15, !(existing is Double) { return Int(d) }
            return d
        }
    }

    /// Checks before the first trial that every parameter can be set at its bounds or choices.
    public static func validate(_ space: SearchSpace, base: String) throws {
        for p in space.parameters {
            let probes: [ParameterValue]
            switch p.domain {
            case let .float(lo, hi, _): probes = [.number(lo), .number(hi)]
            case let .int(lo, hi, _): probes = [.number(Double(lo)), .number(Double(hi))]
            case let .categorical(choices): probes = choices.map { .choice($0) }
            }
            for v in probes {
                do { _ = try apply([p.name: v], to: base) } catch let error as TuningError {
                    throw error
                } catch {
                    throw TuningError.search(p.name, "cannot set it to \(v): \(error)")
                }
            }
        }
    }
}
