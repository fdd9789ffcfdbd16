import _TestSupport
import Testing
@testable import DataIO

@Suite struct CIFAR10Tests {
    /// One record: the label byte, then red, green and blue planes with values that encode their
    /// position: pixel (c, y, x) of record r holds (r·7 + c·50 + y + x) mod 256.
    static func record(_ r: Int, label: UInt8) -> [UInt8] {
        var bytes = [label]
        for c in 0..<3 {
            for y in 0..<32 {
                for x in 0..<32 { bytes.append(UInt8((r * 7 + c * 50 + y + x) % 256)) }
            }
        }
        return bytes
    }

    @Test func readsLabelsAndCHWPixels() throws {
        let dir = try ScratchDirectory()
        try dir.write(Self.record(0, label: 3) + Self.record(1, label: 9) + Self.record(2, label: 0), to: "data_batch_1.bin")
        let batch = try CIFAR10.readBatch(dir.file("data_batch_1.bin"))
        #expect(batch.labels == [3, 9, 0])
        #expect(batch.pixels.count == 3 * 3072)
        // Record 1, green channel (c = 1), row 2, column 5 holds 1·7 + 50 + 2 + 5 = 64.
        let offset = 3072 + 1024 + 2 * 32 + 5
        #expect(batch.pixels[offset] == 64)
        #expect(Array(batch.pixels[3072..<(2 * 3072)]) == Array(Self.record(1, label: 9).dropFirst()))
    }

    @Test func concatenatesBatchesInOrderIntoAnImageSet() throws {
        let dir = try ScratchDirectory()
        try dir.write(Self.record(0, label: 1), to: "a.bin")
        try dir.write(Self.record(1, label: 2) + Self.record(2, label: 4), to: "b.bin")
        let set = try CIFAR10.loadImageSet(batches: [dir.file("a.bin"), dir.file("b.bin")])
        #expect((set.count, set.channels, set.height, set.width) == (3, 3, 32, 32))
        #expect(set.labels == [1, 2, 4])
        #expect(set.pixels[2 * 3072] == Float(14) / 127.5 - 1)
    }

    @Test func truncatedRecordIsReported() throws {
        let dir = try ScratchDirectory()
        try dir.write(Self.record(0, label: 3) + Array(Self.record(1, label: 3).prefix(100)), to: "test_batch.bin")
        let error = #expect(throws: DataFileError.self) { try CIFAR10.readBatch(dir.file("test_batch.bin")) }
        #expect(error?.description == "\(dir.file("test_batch.bin")): 3173 bytes is not a whole number of 3073-byte " +
                "CIFAR-10 records (1 full records and 100 bytes left over)")
    }

    @Test func labelAboveNineIsReported() throws {
        let dir = try ScratchDirectory()
        try dir.write(Self.record(0, label: 3) + Self.record(1, label: 42), to: "x.bin")
        let error = #expect(throws: DataFileError.self) { try CIFAR10.readBatch(dir.file("x.bin")) }
        #expect(error?.description.hasSuffix("record 1 has label 42; CIFAR-10 labels are 0-9 (is this a CIFAR-100 file?)") == true)
    }
}
