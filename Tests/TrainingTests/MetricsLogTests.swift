// metrics.jsonl: typed records in, one sorted-key JSON object per line out, read back on resume.
import Foundation
import Testing
import Training

@Suite struct MetricsLogTests {
    @Test func recordsRoundTripAndStayPlainJSONLines() throws {
        let scratch = try Scratch()
        let path = scratch.file("metrics.jsonl")
        let log = try MetricsLog(path: path)
        try log.append(MetricsRecord(step: 1, epoch: 0, loss: 0.5, lr: 1e-4, gradNorm: 2, imagesPerSecond: 100,
                                     quarterLosses: [0.25, nil, 0.75, nil]))
        try log.append(MetricsRecord(step: 2, epoch: 0, validationLoss: 0.125))
        try log.append(MetricsRecord(step: 3, epoch: 1, loss: 0.375, gradNorm: .infinity))

        // Each line is a JSON object with only the fields that were set, keys sorted.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let first = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(Set(first.keys) == ["step", "epoch", "loss", "lr", "gradNorm", "imagesPerSecond", "lossQ1", "lossQ3"])
        #expect(first["step"] as? Int == 1 && first["loss"] as? Double == 0.5 && first["lossQ3"] as? Double == 0.75)
        #expect(lines[0].hasPrefix(#"{"epoch":0,"gradNorm":2"#), "\(lines[0])")
        let second = try #require(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(Set(second.keys) == ["step", "epoch", "validationLoss"])
        #expect(lines[2].contains(#""gradNorm":"Infinity""#), "a non-finite norm is still logged: \(lines[2])")

        // Reopened (a resume at step 2): the series come back and later lines are dropped.
        let reopened = try MetricsLog(path: path, upToStep: 2)
        #expect(reopened.trainLoss.map(\.step) == [1] && reopened.trainLoss.map(\.value) == [0.5])
        #expect(reopened.validationLoss.map(\.step) == [2] && reopened.validationLoss.map(\.value) == [0.125])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == lines[0...1].map { $0 + "\n" }.joined())
    }

    @Test func aTornLastLineIsDroppedButAGarbledLineIsAnError() throws {
        let scratch = try Scratch()
        let path = scratch.file("metrics.jsonl")
        let good = #"{"epoch":0,"loss":0.5,"step":1}"#
        try Data((good + "\n" + #"{"epoch":0,"lo"#).utf8).write(to: URL(fileURLWithPath: path))
        let log = try MetricsLog(path: path)
        #expect(log.trainLoss.map(\.step) == [1])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == good + "\n")

        try Data((good + "\nnot json\n" + good + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: RunDirectoryError.self) { try MetricsLog(path: path) }
        #expect(error?.description == "\(path): cannot be read (line 2 is not a metrics record)")
    }

    /// `ddpm plot` reads a log without touching it (a running trainer may be appending), skips a
    /// torn last line, and draws a field over the step from the records that have it.
    @Test func recordsAreReadWithoutChangingTheFileAndGiveOneSeriesPerField() throws {
        let scratch = try Scratch()
        let path = scratch.file("metrics.jsonl")
        let text = #"{"epoch":0,"loss":0.5,"step":1}"# + "\n" + #"{"epoch":0,"step":3,"validationLoss":0.25}"# + "\n"
            + #"{"epoch":1,"loss":0.375,"lossQ2":0.125,"step":25}"# + "\n" + #"{"epoch":1,"lo"#
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let records = try MetricsLog.records(at: path)
        #expect(records.map(\.step) == [1, 3, 25])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text, "the file is left as it was")

        let loss = MetricsField.loss.series(name: "a", records: records)
        #expect(loss.name == "a" && loss.x == [1, 25] && loss.y == [0.5, 0.375])
        #expect(MetricsField.validationLoss.series(name: "a", records: records).y == [0.25])
        #expect(MetricsField.lossQ2.series(name: "a", records: records).x == [25])
        #expect(MetricsField.kid.series(name: "a", records: records).x.isEmpty)
        #expect(MetricsField.present(in: records) == [.loss, .validationLoss, .lossQ2])
        // Every field reads the key of its own name (the JSON key is what --metric takes).
        let full = MetricsRecord(step: 1, epoch: 0, loss: 1, lr: 2, gradNorm: 3, imagesPerSecond: 4, quarterLosses: [5, 6, 7, 8],
                                 validationLoss: 9)
        var withEvaluation = full
        (withEvaluation.fidFeatureNet, withEvaluation.kid) = (10, 11)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(withEvaluation)) as? [String: Any]
        for field in MetricsField.allCases {
            #expect(field.value(in: withEvaluation) == json?[field.rawValue] as? Double, "\(field)")
        }
    }

    /// A full disk while logging (here a file-size limit with SIGXFSZ ignored, so write(2) fails with
    /// EFBIG) is an error naming the log, not an Objective-C exception that kills the run before its
    /// interrupt checkpoint.
    @Test func aFailedAppendIsAnErrorNamingTheLog() async throws {
        let scratch = try Scratch()
        let path = scratch.file("metrics.jsonl")
        await #expect(processExitsWith: .exitCode(42)) { [path = path as String] in
            signal(SIGXFSZ, SIG_IGN)
            let log = try MetricsLog(path: path)
            var limit = rlimit(rlim_cur: 64, rlim_max: 64)
            setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
            do {
                for step in 1...10 { try log.append(MetricsRecord(step: step, epoch: 0, loss: 0.5)) }
            } catch {
                exit("\(error)".hasPrefix("cannot write " + path + ": file too large") ? 42 : 1)
            }
            exit(2)
        }
    }
}
