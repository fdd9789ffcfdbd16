import DataIO
import Testing
import _TestSupport

/// The .npy writer against the bytes numpy 2.4.6 writes (`np.save` of the same arrays).
@Suite struct NPYTests {
    @Test func twoByThreeMatchesNumPyByteForByte() throws {
        // np.save(f, np.array([[1, -2, 0.5], [0, 3.25, -1]], dtype='<f4')): 152 bytes, a 118-byte header
        // (the data starts at 128) and 24 bytes of data.
        let bytes = try NPYArray(shape: [2, 3], values: [1, -2, 0.5, 0, 3.25, -1]).encoded()
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        #expect(bytes.count == 152)
        #expect(Array(bytes[0..<10]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0])
        #expect(String(decoding: bytes[10..<(10 + header.utf8.count)], as: UTF8.self) == header)
        #expect(bytes[127] == 0x0A && bytes[10 + header.utf8.count] == 0x20)
        // 1.0f = 00 00 80 3F, -2.0f = 00 00 00 C0
        #expect(Array(bytes[128..<136]) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    @Test func oneDimensionalShapeKeepsTheTrailingComma() throws {
        let bytes = try NPYArray(shape: [5], values: [1, 2, 3, 4, 5]).encoded()
        #expect(String(decoding: bytes[10..<80], as: UTF8.self).contains("'shape': (5,), }"))
        #expect(bytes.count == 148)  // as np.save: 128 bytes of header, 20 of data
    }

    @Test func shapeAndCountMustAgree() {
        #expect(throws: (any Error).self) { try NPYArray(shape: [2, 2], values: [1, 2, 3]) }
    }
}

/// `NPYArray.readVector` (for --betas-file): float64 exactly, float32 widened, other shapes refused.
@Suite struct NPYReadTests {
    /// A version-1.0 .npy file as numpy.save writes it, header padded to 64 bytes.
    static func npy(descr: String, shape: String, payload: [UInt8]) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let n = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8) + payload
    }

    @Test func float64VectorReadsBackExactly() throws {
        let scratch = try ScratchDirectory()
        let values: [Double] = [1e-4, 0.012345678901234567, 0.999]
        let payload = values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt64($0))) } }
        try scratch.write(Self.npy(descr: "<f8", shape: "(3,)", payload: payload), to: "b.npy")
        #expect(try NPYArray.readVector(from: scratch.file("b.npy")) == values)
    }

    @Test func float32VectorIsWidened() throws {
        let scratch = try ScratchDirectory()
        try NPYArray(shape: [2], values: [0.25, 0.5]).write(to: scratch.file("f.npy"))
        #expect(try NPYArray.readVector(from: scratch.file("f.npy")) == [0.25, 0.5])
    }

    @Test func otherDtypesAndShapesAreNamed() throws {
        let scratch = try ScratchDirectory()
        try scratch.write(Self.npy(descr: "<i8", shape: "(1,)", payload: [UInt8](repeating: 0, count: 8)), to: "i.npy")
        let dtype = #expect(throws: DataFileError.self) { try NPYArray.readVector(from: scratch.file("i.npy")) }
        #expect(dtype?.description.contains("'<f8' or '<f4'") == true)
        try scratch.write(Self.npy(descr: "<f8", shape: "(2,)", payload: [UInt8](repeating: 0, count: 8)), to: "short.npy")
        let short = #expect(throws: DataFileError.self) { try NPYArray.readVector(from: scratch.file("short.npy")) }
        #expect(short?.description.contains("expected 16 for 2 values") == true)
    }
}
