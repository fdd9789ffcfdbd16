import ArgumentParser

/// A comma-separated list of non-negative integers (`--t 20,50,100`), checked at parse time;
/// the range check waits for the command, which knows T.
struct IntegerList: ExpressibleByArgument, Equatable {
    var values: [Int]

    init(_ values: [Int]) { self.values = values }

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        values = parts.map { $0! }
    }

    var defaultValueDescription: String { values.map(String.init).joined(separator: ",") }

    /// An error naming `flag` when a value lies outside `range`; `what` says where the bound comes from.
    func check(_ flag: String, within range: ClosedRange<Int>, _ what: String) throws {
        if let bad = values.first(where: { !range.contains($0) }) {
            throw CLIError("\(flag) \(defaultValueDescription): \(bad) is outside \(range.lowerBound)…\(range.upperBound) (\(what))")
        }
    }
}
