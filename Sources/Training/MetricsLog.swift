import DataIO
import Foundation

/// One line of `metrics.jsonl`: a training line (loss, lr, …) or a validation line
/// (`validationLoss`). Absent fields are left out of the line, so both kinds stay short.
public struct MetricsRecord: Codable, Equatable, Sendable {
    public var step: Int
    public var epoch: Int
    /// Mean training loss over the steps since the previous line.
    public var loss: Double?
    /// The learning rate of the line's last step.
    public var lr: Double?
    public var gradNorm: Double?
    public var imagesPerSecond: Double?
    /// Mean loss of the draws whose t fell in each quarter of 0..<T (absent when no draw did).
    public var lossQ1: Double?, lossQ2: Double?, lossQ3: Double?, lossQ4: Double?
    public var validationLoss: Double?
    /// Feature-net FID and KID of samples (`--evaluate-every`).
    public var fidFeatureNet: Double?
    public var kid: Double?

    public init(step: Int, epoch: Int, loss: Double? = nil, lr: Double? = nil, gradNorm: Double? = nil,
                imagesPerSecond: Double? = nil, quarterLosses: [Double?] = [], validationLoss: Double? = nil) {
        self.step = step; self.epoch = epoch; self.loss = loss; self.lr = lr; self.gradNorm = gradNorm
        self.imagesPerSecond = imagesPerSecond; self.validationLoss = validationLoss
        let q = quarterLosses + [Double?](repeating: nil, count: max(0, 4 - quarterLosses.count))
        (lossQ1, lossQ2, lossQ3, lossQ4) = (q[0], q[1], q[2], q[3])
    }
}

/// Appends one JSON object per line to `metrics.jsonl` (flushed per line, so a crash keeps
/// everything logged so far) and keeps the loss series for the loss-curve figure.
public final class MetricsLog {
    public let path: String
    private let handle: FileHandle
    public private(set) var trainLoss: [(step: Int, value: Double)] = []
    public private(set) var validationLoss: [(step: Int, value: Double)] = []
    public private(set) var fidFeatureNet: [(step: Int, value: Double)] = []

    /// Non-finite values (a gradient norm that overflowed) are written as strings rather than
    /// making the line unwritable.
    private static let nonFinite = (positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")

    /// Opens `path` for appending; existing lines (a resumed run) are read back into the series,
    /// dropping any logged after `upToStep` (they belong to steps the resumed run will redo).
    /// A line that is not a metrics record is an error naming the file and line, except a torn
    /// last line (no newline: a crash in the middle of a write), which is dropped.
    public init(path: String, upToStep: Int? = nil) throws {
        self.path = path
        if FileSystem.kind(of: path).exists {
            let parsed = try Self.parse(Data(DurableFile.read(path)), path: path)
            var kept: [String] = [], records: [MetricsRecord] = []
            for (line, record) in zip(parsed.lines, parsed.records) {
                if let limit = upToStep, record.step > limit { continue }
                kept.append(line)
                records.append(record)
            }
            trainLoss = records.compactMap { r in r.loss.map { (r.step, $0) } }
            validationLoss = records.compactMap { r in r.validationLoss.map { (r.step, $0) } }
            fidFeatureNet = records.compactMap { r in r.fidFeatureNet.map { (r.step, $0) } }
            try FileSystem.write(kept.map { $0 + "\n" }.joined(), to: path, overwrite: true)
        } else {
            try FileSystem.write("", to: path, overwrite: false)
        }
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        } catch { throw FileError.converting(error, path: path, operation: .write) }
    }

    deinit { try? handle.close() }

    /// The records of a metrics log, read without changing it (`ddpm plot`). A torn last line is
    /// skipped as the initializer skips it; any other line that is not a record is an error.
    public static func records(at path: String) throws -> [MetricsRecord] {
        try parse(Data(DurableFile.read(path)), path: path).records
    }

    /// Each complete, non-empty line with its record.
    private static func parse(_ data: Data, path: String) throws -> (lines: [String], records: [MetricsRecord]) {
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let last = lines.popLast(), !last.isEmpty, text.hasSuffix("\n") { lines.append(last) }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        var kept: [String] = [], records: [MetricsRecord] = []
        for (number, line) in lines.enumerated() where !line.isEmpty {
            do { records.append(try decoder.decode(MetricsRecord.self, from: Data(line.utf8))) } catch {
                throw RunDirectoryError.unreadable(path, "line \(number + 1) is not a metrics record")
            }
            kept.append(line)
        }
        return (kept, records)
    }

    /// Writes one record (keys sorted, so lines diff cleanly).
    public func append(_ record: MetricsRecord) throws {
        remember(record)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: Self.nonFinite.positiveInfinity, negativeInfinity: Self.nonFinite.negativeInfinity, nan: Self.nonFinite.nan)
        // The throwing write: a full disk is an error naming the file, not an Objective-C exception.
        do { try handle.write(contentsOf: try encoder.encode(record) + Data("\n".utf8)) } catch {
            throw FileError.converting(error, path: path, operation: .write)
        }
    }

    private func remember(_ r: MetricsRecord) {
        // (The same two series the initializer rebuilds from the file.)
        if let l = r.loss { trainLoss.append((r.step, l)) }
        if let v = r.validationLoss { validationLoss.append((r.step, v)) }
        if let f = r.fidFeatureNet { fidFeatureNet.append((r.step, f)) }
    }
}
