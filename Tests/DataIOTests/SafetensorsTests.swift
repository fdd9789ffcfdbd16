import Foundation
import _TestSupport
import Testing
@testable import DataIO

@Suite struct SafetensorsTests {
    /// A safetensors file from a header string (unpadded) and `dataCount` data bytes 0, 1, 2, ….
    static func rawFile(header: String, dataCount: Int) -> [UInt8] {
        let headerBytes = Array(header.utf8)
        var bytes = [UInt8]()
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + headerBytes + (0..<dataCount).map { UInt8($0 % 256) }
    }

    static let sample = SafetensorsFile(
        tensors: [
            "down_blocks.0.resnets.0.conv1.weight": SafetensorsTensor(shape: [2, 1, 3], floats: [0.5, -1, 3.25, .infinity, -0, 1e-30]),
            "step": SafetensorsTensor(shape: [2], int64s: [Int64(1) << 40 + 1, -917]),
            "scalar": SafetensorsTensor(shape: [], floats: [2.5]),
            "empty": SafetensorsTensor(shape: [0, 4], floats: []),
        ],
        metadata: ["format": "pt", "config": "{\"betaMin\": 0.0001,\n\t\"note\": \"ünï\\\\code\"}"])

    @Test func roundTripsTensorsAndMetadata() throws {
        let dir = try ScratchDirectory()
        try Self.sample.write(to: dir.file("model.safetensors"))
        let back = try SafetensorsFile.read(from: dir.file("model.safetensors"))
        #expect(back == Self.sample)
        #expect(back.tensors["step"]?.int64s == [1_099_511_627_777, -917], "I64 stays exact above 2^24")
        #expect(back.tensors["down_blocks.0.resnets.0.conv1.weight"]?.floats.map(\.bitPattern) ==
                [0.5, -1, 3.25, .infinity, -0, 1e-30].map { Float($0).bitPattern })
    }

    @Test func writesTheReferenceLayoutByteForByte() {
        let file = SafetensorsFile(tensors: ["b": SafetensorsTensor(shape: [1], floats: [1]),
                                             "a": SafetensorsTensor(shape: [1], int64s: [2])],
                                   metadata: ["format": "pt"])
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"# +
                     #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        var expected: [UInt8] = []
        withUnsafeBytes(of: UInt64(padded.utf8.count).littleEndian) { expected.append(contentsOf: $0) }
        expected += Array(padded.utf8) + [2, 0, 0, 0, 0, 0, 0, 0] + [0x00, 0x00, 0x80, 0x3F]
        #expect(file.encoded() == expected)
        #expect(padded.utf8.count % 8 == 0)
    }

    /// Written by Python's safetensors 0.8.0 through torch (scripts/fixtures/make_safetensors_reference.py).
    @Test func readsAFileWrittenByTheReferenceLibrary() throws {
        let url = try #require(Bundle.module.url(forResource: "reference", withExtension: "safetensors", subdirectory: "Fixtures"))
        let file = try SafetensorsFile.read(from: url.path)
        #expect(file.metadata == ["format": "pt", "note": "reference fixture: \"quoted\", tab\tand ünïcode"])
        #expect(Set(file.tensors.keys) == ["weight", "step", "count", "half", "brain", "double", "scalar", "empty", "bytes"])

        let t = file.tensors
        #expect(t["weight"]?.dtype == .float32 && t["weight"]?.shape == [2, 3])
        #expect(t["weight"]?.floats == [-1.25, -0.75, -0.25, 0.25, 0.75, 1.25])
        #expect(t["step"]?.dtype == .int64 && t["step"]?.int64s == [0, -1, 1_099_511_627_777, 917])
        #expect(t["count"]?.dtype == .int32 && t["count"]?.int64s == [7, -8])
        #expect(t["half"]?.dtype == .float16 && t["half"]?.floats == [1, -2, 0.5, 65504, 0x1p-24])
        #expect(t["brain"]?.dtype == .bfloat16 && t["brain"]?.floats == [1, -0.5, 3])
        #expect(t["double"]?.dtype == .float64 && t["double"]?.floats == [Float(0.1), -3])
        #expect(t["scalar"]?.shape == [] && t["scalar"]?.floats == [2.5])
        #expect(t["empty"]?.shape == [0, 4] && t["empty"]?.data == [])
        #expect(t["bytes"]?.dtype == .uint8 && t["bytes"]?.floats == [0, 255])
        #expect(t["half"]?.int64s == nil, "floating dtypes have no exact integer view")
    }

    @Test func rewritingTheReferenceFileKeepsEveryTensor() throws {
        let url = try #require(Bundle.module.url(forResource: "reference", withExtension: "safetensors", subdirectory: "Fixtures"))
        let original = try SafetensorsFile.read(from: url.path)
        let dir = try ScratchDirectory()
        try original.write(to: dir.file("copy.safetensors"))
        #expect(try SafetensorsFile.read(from: dir.file("copy.safetensors")) == original)
    }

    @Test func halfPrecisionSpecialValuesConvert() {
        // F16 bit patterns: +inf, -inf, NaN, largest subnormal, -0.
        let half = SafetensorsTensor(dtype: .float16, shape: [5], data: [0x00, 0x7C, 0x00, 0xFC, 0x01, 0x7E, 0xFF, 0x03, 0x00, 0x80])
        let values = half.floats
        #expect(values[0] == .infinity && values[1] == -.infinity && values[2].isNaN)
        #expect(values[3] == 1023 * 0x1p-24)
        #expect(values[4] == 0 && values[4].sign == .minus)
    }

    struct Malformed: CustomTestStringConvertible, Sendable {
        let header: String
        let dataCount: Int
        let problem: String
        var testDescription: String { problem }
    }

    static let malformed: [Malformed] = [
        .init(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
              dataCount: 12, problem: "tensors 'a' [0, 8) and 'b' [4, 12) overlap"),
        .init(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
              dataCount: 4, problem: "tensor 'a': data_offsets [0, 8] run past the end of the data (4 bytes after the header; is the file truncated?)"),
        .init(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
              dataCount: 12, problem: "data bytes [4, 8) belong to no tensor"),
        .init(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
              dataCount: 8, problem: "the last 4 data bytes belong to no tensor"),
        .init(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
              dataCount: 8, problem: "tensor 'a': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] cover 8"),
        .init(header: #"{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}"#,
              dataCount: 1, problem: "tensor 'a': unknown dtype \"Q4\""),
        .init(header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#,
              dataCount: 4, problem: "tensor 'a': \"shape\" is missing or not a list of non-negative integers"),
        .init(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#,
              dataCount: 4, problem: "tensor 'a': \"data_offsets\" is missing or not [begin, end] with 0 ≤ begin ≤ end"),
        .init(header: #"{"__metadata__":{"epoch":3}}"#, dataCount: 0, problem: "__metadata__ is not an object of strings"),
        .init(header: #"{not json at all}"#, dataCount: 0, problem: "header is not valid JSON (it starts \"{not json at all}\")"),
        .init(header: #"[1, 2, 3]"#, dataCount: 0, problem: "header is JSON but not an object"),
    ]

    @Test(arguments: malformed)
    func malformedHeadersAreReportedInOneLine(_ c: Malformed) throws {
        let error = #expect(throws: DataFileError.self) {
            try SafetensorsFile.decode(Self.rawFile(header: c.header, dataCount: c.dataCount), path: "m.safetensors")
        }
        #expect(error?.description == "m.safetensors: \(c.problem)")
    }

    @Test func truncatedFilesAreReported() throws {
        let dir = try ScratchDirectory()
        let whole = Self.sample.encoded()
        try dir.write(Array(whole.dropLast(3)), to: "data-cut.safetensors")
        try dir.write(Array(whole.prefix(40)), to: "header-cut.safetensors")
        try dir.write(Array(whole.prefix(5)), to: "tiny.safetensors")

        let dataCut = #expect(throws: DataFileError.self) { try SafetensorsFile.read(from: dir.file("data-cut.safetensors")) }
        #expect(dataCut?.description.hasSuffix("is the file truncated?)") == true, "\(String(describing: dataCut))")
        let headerCut = #expect(throws: DataFileError.self) { try SafetensorsFile.read(from: dir.file("header-cut.safetensors")) }
        let headerLength = whole[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(headerCut?.description == "\(dir.file("header-cut.safetensors")): not a safetensors file, or truncated: " +
                "the header length field says \(headerLength) bytes but 32 bytes follow")
        let tiny = #expect(throws: DataFileError.self) { try SafetensorsFile.read(from: dir.file("tiny.safetensors")) }
        #expect(tiny?.description == "\(dir.file("tiny.safetensors")): file is 5 bytes, too short for the 8-byte header length of a safetensors file")
    }

    @Test func aFileOfAnotherFormatIsNotTakenForSafetensors() throws {
        let dir = try ScratchDirectory()
        try dir.write(Array("model:\n  channels: [64, 128]\n".utf8), to: "config.yaml")
        let error = #expect(throws: DataFileError.self) { try SafetensorsFile.read(from: dir.file("config.yaml")) }
        #expect(error?.description.hasPrefix("\(dir.file("config.yaml")): not a safetensors file, or truncated: the header length field says ") == true)
        #expect(error?.description.contains("\n") == false)
    }
}
