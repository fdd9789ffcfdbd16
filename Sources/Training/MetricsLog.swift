import Foundation

/// Appends one JSON object per line to `metrics.jsonl` (flushed per line, so a crash keeps
/// everything logged so far) and keeps the loss series for the loss-curve figure.
public final class MetricsLog {
    public let path: String
    private let handle: FileHandle
    public private(set) var trainLoss: [(step: Int, value: Double)] = []
    public private(set) var validationLoss: [(step: Int, value: Double)] = []

    /// Opens `path` for appending; existing lines (a resumed run) are read back into the series,
    /// dropping any logged after `upToStep` (they belong to steps the resumed run will redo).
    public init(path: String, upToStep: Int? = nil) throws {
        self.path = path
        let fm = FileManager.default
        if let data = fm.contents(atPath: path) {
            var kept: [String] = []
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let step = obj["step"] as? Int else { continue }
                if let limit = upToStep, step > limit { continue }
                kept.append(String(line))
                if let l = obj["loss"] as? Double { trainLoss.append((step, l)) }
                if let v = obj["validationLoss"] as? Double { validationLoss.append((step, v)) }
            }
            try (kept.map { $0 + "\n" }.joined()).write(toFile: path, atomically: true, encoding: .utf8)
        } else {
            guard fm.createFile(atPath: path, contents: nil) else { throw RunDirectoryError.unwritable(path, "cannot create the metrics log") }
        }
        guard let h = FileHandle(forWritingAtPath: path) else { throw RunDirectoryError.unwritable(path, "cannot open the metrics log") }
        handle = h
        handle.seekToEndOfFile()
    }

    deinit { try? handle.close() }

    /// Writes one record (keys sorted, so lines diff cleanly).
    public func append(_ record: [String: Any]) {
        if let step = record["step"] as? Int {
            if let l = record["loss"] as? Double { trainLoss.append((step, l)) }
            if let v = record["validationLoss"] as? Double { validationLoss.append((step, v)) }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) else { return }
        handle.write(data + Data("\n".utf8))
    }
}
