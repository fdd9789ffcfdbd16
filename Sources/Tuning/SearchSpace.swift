import Foundation

/// One searched setting: a training flag (`beta-min`) or a config key (`diffusion.betaMin`) with
/// its domain. Parsed from `--search name=lo..hi[:int][:log]` or `--search name=a,b,c`.
public struct SearchParameter: Codable, Equatable, Sendable {
    public enum Domain: Codable, Equatable, Sendable {
        case float(low: Double, high: Double, log: Bool)
        case int(low: Int, high: Int, log: Bool)
        case categorical([String])
    }

    public let name: String
    public let domain: Domain

    public init(name: String, domain: Domain) {
        self.name = name
        self.domain = domain
    }

    /// Coordinates this parameter takes in the unit cube the surrogates work in: one for a number,
    /// one per choice (one-hot) for a categorical.
    public var width: Int {
        if case let .categorical(choices) = domain { return choices.count }
        return 1
    }

    public var isLog: Bool {
        switch domain {
        case let .float(_, _, log), let .int(_, _, log): log
        case .categorical: false
        }
    }

    /// A number's position in [0, 1] (log-scaled where asked). Categoricals have none.
    public func unit(_ value: ParameterValue) -> Double? {
        guard case let .number(v) = value else { return nil }
        let (lo, hi, log): (Double, Double, Bool)
        switch domain {
        case let .float(l, h, g): (lo, hi, log) = (l, h, g)
        case let .int(l, h, g): (lo, hi, log) = (Double(l) - 0.5, Double(h) + 0.5, g)  // each integer owns a cell
        case .categorical: return nil
        }
        let u = log ? (Foundation.log(v) - Foundation.log(lo)) / (Foundation.log(hi) - Foundation.log(lo)) : (v - lo) / (hi - lo)
        return min(1, max(0, u))
    }

    /// The value at position u ∈ [0, 1] (numbers only; integers are rounded into range).
    public func value(atUnit u: Double) -> ParameterValue {
        let u = min(1, max(0, u))
        switch domain {
        case let .float(lo, hi, log):
            return .number(log ? exp(Foundation.log(lo) + u * (Foundation.log(hi) - Foundation.log(lo))) : lo + u * (hi - lo))
        case let .int(lo, hi, log):
            let a = Double(lo) - 0.5, b = Double(hi) + 0.5
            let x = log ? exp(Foundation.log(a) + u * (Foundation.log(b) - Foundation.log(a))) : a + u * (b - a)
            return .number(Double(min(hi, max(lo, Int(x.rounded())))))
        case let .categorical(choices):
            return .choice(choices[min(choices.count - 1, Int(u * Double(choices.count)))])
        }
    }

    /// Whether `value` lies in the domain (journals written by hand or by another version).
    public func contains(_ value: ParameterValue) -> Bool {
        switch (domain, value) {
        case let (.float(lo, hi, _), .number(v)): v >= lo && v <= hi
        case let (.int(lo, hi, _), .number(v)): v == v.rounded() && v >= Double(lo) && v <= Double(hi)
        case let (.categorical(choices), .choice(c)): choices.contains(c)
        default: false
        }
    }
}

/// A parameter's value in one trial.
public enum ParameterValue: Codable, Hashable, Sendable, CustomStringConvertible {
    case number(Double)
    case choice(String)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .choice(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .number(d): try c.encode(d)
        case let .choice(s): try c.encode(s)
        }
    }

    /// How the value is written on a command line, in a table and in a CSV (integers without ".0",
    /// small and large numbers in exponent form).
    public var description: String {
        switch self {
        case let .choice(s): return s
        case let .number(d):
            if d == d.rounded(), abs(d) < 1e9 { return String(Int(d)) }
            if abs(d) >= 1e-3 && abs(d) < 1e4 { return String(format: "%.6g", d) }
            return String(format: "%.6e", d)
        }
    }
}

/// The parameters a study searches, in the order given on the command line.
public struct SearchSpace: Codable, Equatable, Sendable {
    public let parameters: [SearchParameter]

    public init(_ parameters: [SearchParameter]) { self.parameters = parameters }

    /// Parses every `--search` value; names must be distinct.
    public init(parsing specs: [String]) throws {
        var seen = Set<String>()
        var parameters: [SearchParameter] = []
        for spec in specs {
            let p = try Self.parse(spec)
            guard seen.insert(p.name).inserted else { throw TuningError.search(spec, "\(p.name) is searched twice") }
            parameters.append(p)
        }
        guard !parameters.isEmpty else { throw TuningError.invalid("--search: give at least one parameter to search, e.g. --search beta-max=5e-3..5e-2:log") }
        self.parameters = parameters
    }

    /// Total unit-cube coordinates (numbers one each, categoricals one per choice).
    public var dimension: Int { parameters.reduce(0) { $0 + $1.width } }

    public var names: [String] { parameters.map(\.name) }

    /// A trial's values as a point in the unit cube (categoricals one-hot).
    public func encode(_ values: [String: ParameterValue]) -> [Double] {
        var x: [Double] = []
        x.reserveCapacity(dimension)
        for p in parameters {
            let v = values[p.name]!
            if case let .categorical(choices) = p.domain {
                for c in choices { x.append(v == .choice(c) ? 1 : 0) }
            } else {
                x.append(p.unit(v)!)
            }
        }
        return x
    }

    /// The values at a unit-cube point (a categorical takes its largest coordinate).
    public func decode(_ x: [Double]) -> [String: ParameterValue] {
        precondition(x.count == dimension)
        var values: [String: ParameterValue] = [:]
        var k = 0
        for p in parameters {
            if case let .categorical(choices) = p.domain {
                let slice = x[k..<(k + choices.count)]
                let best = slice.indices.max { slice[$0] < slice[$1] }! - k
                values[p.name] = .choice(choices[best])
            } else {
                values[p.name] = p.value(atUnit: x[k])
            }
            k += p.width
        }
        return values
    }

    // MARK: - Parsing

    /// `name=lo..hi[:int][:log]` or `name=a,b,c`.
    public static func parse(_ spec: String) throws -> SearchParameter {
        guard let eq = spec.firstIndex(of: "=") else {
            throw TuningError.search(spec, "expected NAME=LOW..HIGH[:int][:log] or NAME=A,B,C, e.g. beta-min=1e-5..1e-3:log")
        }
        let name = spec[..<eq].trimmingCharacters(in: .whitespaces)
        let body = spec[spec.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }) else {
            throw TuningError.search(spec, "the name must be a training flag (beta-min) or a config key (diffusion.betaMin)")
        }
        guard !body.isEmpty else { throw TuningError.search(spec, "no range or choices after '='") }
        if !body.contains("..") {
            let choices = body.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard choices.count >= 2, choices.allSatisfy({ !$0.isEmpty }) else {
                throw TuningError.search(spec, "a categorical needs at least two non-empty choices separated by commas, e.g. schedule=linear,log")
            }
            guard Set(choices).count == choices.count else { throw TuningError.search(spec, "a choice is listed twice") }
            return SearchParameter(name: name, domain: .categorical(choices))
        }
        var parts = body.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
        let range = parts.removeFirst()
        var isInt = false, isLog = false
        for flag in parts {
            switch flag {
            case "int": isInt = true
            case "log": isLog = true
            default: throw TuningError.search(spec, "unknown modifier ':\(flag)'; expected ':int' and/or ':log'")
            }
        }
        let bounds = range.components(separatedBy: "..")
        guard bounds.count == 2 else { throw TuningError.search(spec, "expected a range LOW..HIGH, e.g. 200..2000") }
        guard let lo = Double(bounds[0]), let hi = Double(bounds[1]), lo.isFinite, hi.isFinite else {
            throw TuningError.search(spec, "the bounds '\(bounds[0])' and '\(bounds[1])' must both be numbers")
        }
        guard lo < hi else { throw TuningError.search(spec, "the low bound must be below the high bound") }
        if isLog && lo <= 0 { throw TuningError.search(spec, "a :log range must be positive") }
        if isInt {
            guard lo == lo.rounded(), hi == hi.rounded() else { throw TuningError.search(spec, "an :int range needs integer bounds") }
            return SearchParameter(name: name, domain: .int(low: Int(lo), high: Int(hi), log: isLog))
        }
        return SearchParameter(name: name, domain: .float(low: lo, high: hi, log: isLog))
    }
}
