import TensorCore

/// A named tensor's shape and values, as stored in a checkpoint.
public struct NamedTensorData: Equatable, Sendable {
    public let shape: [Int]
    public let values: [Float]
    public init(shape: [Int], values: [Float]) { self.shape = shape; self.values = values }
}

/// Why a set of named tensors does not fit a model.
public enum StateLoadError: Error, CustomStringConvertible, Equatable {
    case missing([String])
    case unexpected([String])
    case shapeMismatch(name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .missing(names): "\(names.count) parameter(s) missing, e.g. \(names.prefix(3).joined(separator: ", "))"
        case let .unexpected(names): "\(names.count) unexpected tensor(s), e.g. \(names.prefix(3).joined(separator: ", "))"
        case let .shapeMismatch(name, expected, found): "\(name) has shape \(describe(found)) but the model expects \(describe(expected))"
        }
    }
}

extension Layer {
    /// Every parameter's current values, keyed by name.
    public func stateDict() -> [String: NamedTensorData] {
        Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.0, NamedTensorData(shape: $0.1.shape, values: $0.1.value.scalars)) })
    }

    /// Copies `state` into the parameters. Every parameter must be present with its exact shape,
    /// and nothing else may be (a strict load: a silent partial load is a wrong model).
    public func load(_ state: [String: NamedTensorData]) throws {
        let named = namedParameters()
        try StateLoadError.check(state, fits: named.map { ($0.0, $0.1.shape) })
        for (name, p) in named { p.value.copy(from: state[name]!.values) }
    }
}

extension StateLoadError {
    /// Throws unless `state` holds exactly the tensors `expected` names, each with its shape.
    static func check(_ state: [String: NamedTensorData], fits expected: [(name: String, shape: [Int])]) throws {
        let missing = expected.map(\.name).filter { state[$0] == nil }
        if !missing.isEmpty { throw StateLoadError.missing(missing) }
        let known = Set(expected.map(\.name))
        let extra = state.keys.filter { !known.contains($0) }.sorted()
        if !extra.isEmpty { throw StateLoadError.unexpected(extra) }
        for (name, shape) in expected where state[name]!.shape != shape {
            throw StateLoadError.shapeMismatch(name: name, expected: shape, found: state[name]!.shape)
        }
    }
}
