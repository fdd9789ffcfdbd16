import Yams

/// A config number written in its shortest exact decimal form (`learningRate: 0.001`).
///
/// Yams writes a `Float` by widening it to `Double` and printing 15 significant digits
/// (`1.00000004749745e-3`), which reads as a different number than the one given. Swift's own
/// `description` is the shortest text that reads back as exactly the same value, so a config
/// round-trips bit for bit and looks like what was typed. JSON (checkpoints) already writes that
/// form; this only changes YAML.
@propertyWrapper
public struct ShortestDecimal<Value: BinaryFloatingPoint & LosslessStringConvertible & Codable & Sendable & YAMLEncodable>:
    Encodable, Equatable, Sendable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(wrappedValue)
    }
}

extension ShortestDecimal: YAMLEncodable {
    public func box() -> Node {
        // YAML spells infinities and NaN its own way (.inf, .nan); Yams knows how.
        guard wrappedValue.isFinite else { return wrappedValue.box() }
        return Node(wrappedValue.description, Tag(.float))
    }
}

/// An optional list of config numbers (`diffusion.betas` from `--betas-file`), each written in its
/// shortest exact decimal form like `ShortestDecimal`, so the YAML config holds exactly the betas
/// the run uses (15 digits do not always read back as the same Double).
@propertyWrapper
public struct ShortestDecimals: Encodable, Equatable, Sendable {
    public var wrappedValue: [Double]?

    public init(wrappedValue: [Double]?) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(wrappedValue.map { $0.map(ShortestDecimal.init) })
    }
}

extension KeyedEncodingContainer {
    /// Synthesized `encode(to:)` picks this overload for a `@ShortestDecimals` property: nil is
    /// left out (as for a plain optional) instead of written as `null`.
    public mutating func encode(_ value: ShortestDecimals, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue.map { $0.map(ShortestDecimal.init) }, forKey: key)
    }
}
