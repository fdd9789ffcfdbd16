import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One line of a study journal.
public struct JournalRecord: Codable, Equatable, Sendable {
    public enum Operation: String, Codable, Sendable {
        /// The first line: the study's settings.
        case study
        /// A worker took trial `trial` with `values`.
        case start
        /// An intermediate objective value at a training step.
        case report
        /// The worker is alive (between reports).
        case beat
        /// The trial ended in `state`.
        case finish
    }

    public var op: Operation
    public var trial: Int?
    public var values: [String: ParameterValue]?
    public var step: Int?
    public var value: Double?
    public var state: TrialState?
    public var wallSeconds: Double?
    public var cpuSeconds: Double?
    public var message: String?
    public var worker: String?
    public var time: Double
    public var settings: StudySettings?

    public init(op: Operation, trial: Int? = nil, values: [String: ParameterValue]? = nil, step: Int? = nil, value: Double? = nil,
                state: TrialState? = nil, wallSeconds: Double? = nil, cpuSeconds: Double? = nil, message: String? = nil,
                worker: String? = nil, time: Double = Date().timeIntervalSince1970, settings: StudySettings? = nil) {
        self.op = op
        self.trial = trial
        self.values = values
        self.step = step
        self.value = value
        self.state = state
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.message = message
        self.worker = worker
        self.time = time
        self.settings = settings
    }
}

/// An append-only JSON-lines file shared by every worker of a study (the design of Optuna's
/// JournalFileStorage). Each append is one `write` of whole lines followed by `fsync`, under an
/// exclusive `flock` on the file; reading-and-appending (taking a trial) happens inside one lock,
/// so two workers never take the same trial. A process killed mid-write leaves at most a torn
/// last line: readers skip it, and the next append starts on a fresh line.
///
/// `flock` works across processes on one machine and, on Linux, over NFS (emulated with fcntl
/// byte-range locks since 2.6.12), which is how workers on several machines share a study.
public final class Journal: @unchecked Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()

    /// Creates the journal with its header; fails if it exists (a study is never overwritten).
    public static func create(path: String, settings: StudySettings) throws -> Journal {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw TuningError.journal(path, errno == EEXIST ? "a study already exists here; pass --resume to continue it" : String(cString: strerror(errno)))
        }
        close(fd)
        let journal = Journal(path: path)
        try journal.withLock(creating: true) { _ in [JournalRecord(op: .study, settings: settings)] }
        return journal
    }

    /// Every intact record, in order.
    public func read() throws -> [JournalRecord] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TuningError.journal(path, "cannot open the study journal (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        return try records(in: readAll(fd))
    }

    /// Runs `body` on the current records while holding the exclusive lock, then appends what it
    /// returns. Returns the records as they were before the append.
    @discardableResult
    public func withLock(creating: Bool = false, _ body: ([JournalRecord]) throws -> [JournalRecord]) throws -> [JournalRecord] {
        let fd = open(path, O_RDWR | O_APPEND)
        guard fd >= 0 else { throw TuningError.journal(path, "cannot open the study journal (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw TuningError.journal(path, "cannot lock the study journal (\(String(cString: strerror(errno))))") }
        defer { flock(fd, LOCK_UN) }
        let bytes = try readAll(fd)
        let current = creating ? [] : try records(in: bytes)
        let new = try body(current)
        guard !new.isEmpty else { return current }
        var out = Data()
        if let last = bytes.last, last != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\n")) }  // seal a torn line
        for r in new {
            out.append(try Self.encoder.encode(r))
            out.append(UInt8(ascii: "\n"))
        }
        try out.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                guard n > 0 else { throw TuningError.journal(path, "cannot append to the study journal (\(String(cString: strerror(errno))))") }
                offset += n
            }
        }
        fsync(fd)
        return current
    }

    public func append(_ records: [JournalRecord]) throws { try withLock { _ in records } }

    private func readAll(_ fd: Int32) throws -> [UInt8] {
        lseek(fd, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw TuningError.journal(path, "cannot read the study journal (\(String(cString: strerror(errno))))") }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return bytes
    }

    /// Complete lines that decode; a torn or foreign line is skipped (only a crash makes one).
    private func records(in bytes: [UInt8]) throws -> [JournalRecord] {
        var out: [JournalRecord] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            if i > start, let r = try? Self.decoder.decode(JournalRecord.self, from: Data(bytes[start..<i])) { out.append(r) }
            start = i + 1
        }
        guard out.first?.op == .study, out.first?.settings != nil else {
            throw TuningError.journal(path, "not a study journal (its first line holds no study settings)")
        }
        return out
    }
}
