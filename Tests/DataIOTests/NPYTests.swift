import DataIO
import Testing

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
