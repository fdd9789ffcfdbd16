import Foundation
import _TestSupport
import Testing
@testable import DataIO

@Suite struct IDXTests {
    /// 3 images of 2×4 pixels holding 0, 1, …, 23, and their labels.
    static let images = IDXArray(dims: [3, 2, 4], bytes: (0..<24).map(UInt8.init))
    static let labels = IDXArray(dims: [3], bytes: [7, 0, 9])

    @Test(arguments: [false, true])
    func readsBackWhatWasWrittenGzippedOrNot(gzip: Bool) throws {
        let dir = try ScratchDirectory()
        let path = dir.file(gzip ? "images.gz" : "images")
        try IDX.write(Self.images, to: path, gzip: gzip)

        let header = try Array(DurableFile.read(path).prefix(2))
        #expect((header == [0x1F, 0x8B]) == gzip, "gzip magic present exactly when asked for")
        #expect(try IDX.read(path, rank: 3) == Self.images)
    }

    @Test func encodesTheHeaderBigEndian() {
        let encoded = IDX.encode(IDXArray(dims: [60000], bytes: [UInt8](repeating: 0, count: 60000)))
        #expect(Array(encoded.prefix(8)) == [0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0xEA, 0x60])
    }

    @Test func loadsImagesAndLabelsScaledToMinusOneOne() throws {
        let dir = try ScratchDirectory()
        try IDX.write(Self.images, to: dir.file("i.gz"), gzip: true)
        try IDX.write(Self.labels, to: dir.file("l.gz"), gzip: true)
        let set = try IDX.loadImageSet(images: dir.file("i.gz"), labels: dir.file("l.gz"))
        #expect((set.count, set.channels, set.height, set.width) == (3, 1, 2, 4))
        #expect(set.labels == [7, 0, 9])
        #expect(set.pixels == Self.images.bytes.map { Float($0) / 127.5 - 1 })
    }

    @Test func truncatedPayloadNamesFileAndBothSizes() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("train-images-idx3-ubyte")
        try dir.write(Array(IDX.encode(Self.images).dropLast(4)), to: "train-images-idx3-ubyte")
        let error = #expect(throws: DataFileError.self) { try IDX.read(path, rank: 3) }
        #expect(error?.description == "\(path): header says 3×2×4 = 24 bytes of pixels but the file holds 20")
    }

    @Test func truncatedGzipStreamIsReported() throws {
        let dir = try ScratchDirectory()
        let whole = Gzip.compress(IDX.encode(Self.images))
        // Cut inside the deflate data, and separately inside the CRC trailer (all pixels still arrive).
        try dir.write(Array(whole.prefix(whole.count / 2)), to: "half.gz")
        try dir.write(Array(whole.dropLast(3)), to: "no-trailer.gz")

        let half = #expect(throws: DataFileError.self) { try IDX.read(dir.file("half.gz"), rank: 3) }
        #expect(half?.description.contains("the gzip stream is truncated") == true, "\(String(describing: half))")
        let noTrailer = #expect(throws: DataFileError.self) { try IDX.read(dir.file("no-trailer.gz"), rank: 3) }
        #expect(noTrailer?.description == "\(dir.file("no-trailer.gz")): the gzip stream is truncated (its CRC trailer is missing)")
    }

    @Test func corruptGzipDataIsReported() throws {
        let dir = try ScratchDirectory()
        var bytes = Gzip.compress(IDX.encode(Self.images))
        bytes[bytes.count - 6] ^= 0xFF  // inside the CRC-32 of the trailer
        try dir.write(bytes, to: "corrupt.gz")
        let error = #expect(throws: DataFileError.self) { try IDX.read(dir.file("corrupt.gz"), rank: 3) }
        #expect(error?.description.hasPrefix("\(dir.file("corrupt.gz")): gzip data is corrupt (") == true, "\(String(describing: error))")
    }

    @Test func extraBytesAfterThePayloadAreRejected() throws {
        let dir = try ScratchDirectory()
        try dir.write(IDX.encode(Self.labels) + [1, 2], to: "labels")
        let error = #expect(throws: DataFileError.self) { try IDX.read(dir.file("labels"), rank: 1) }
        #expect(error?.description == "\(dir.file("labels")): header says 3 labels but the file holds 5")
    }

    @Test func wrongMagicNamesTheExpectedMagic() throws {
        let dir = try ScratchDirectory()
        try IDX.write(Self.labels, to: dir.file("labels"), gzip: false)
        try dir.write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A], to: "picture.png")

        let labelsAsImages = #expect(throws: DataFileError.self) { try IDX.read(dir.file("labels"), rank: 3) }
        #expect(labelsAsImages?.description ==
            "\(dir.file("labels")): not an IDX file of images (starts with 00 00 08 01; expected magic 00 00 08 03)")
        let png = #expect(throws: DataFileError.self) { try IDX.read(dir.file("picture.png"), rank: 1) }
        #expect(png?.description ==
            "\(dir.file("picture.png")): not an IDX file of labels (starts with 89 50 4E 47; expected magic 00 00 08 01)")
    }

    @Test func headerCutInsideTheDimensionsIsReported() throws {
        let dir = try ScratchDirectory()
        try dir.write([0, 0, 8, 3, 0, 0, 0, 3, 0, 0], to: "short")
        let error = #expect(throws: DataFileError.self) { try IDX.read(dir.file("short"), rank: 3) }
        #expect(error?.description == "\(dir.file("short")): IDX header ends after 10 bytes; expected 16")
    }

    @Test func missingFileSaysWhy() {
        let error = #expect(throws: DataFileError.self) { try IDX.read("/nonexistent/t10k-labels-idx1-ubyte.gz", rank: 1) }
        #expect(error == .unreadable(path: "/nonexistent/t10k-labels-idx1-ubyte.gz", reason: "No such file or directory"))
    }

    @Test func labelAndImageCountsMustAgree() throws {
        let dir = try ScratchDirectory()
        try IDX.write(Self.images, to: dir.file("images"), gzip: false)
        try IDX.write(IDXArray(dims: [2], bytes: [1, 2]), to: dir.file("labels"), gzip: false)
        let error = #expect(throws: DataFileError.self) {
            try IDX.loadImageSet(images: dir.file("images"), labels: dir.file("labels"))
        }
        #expect(error?.description == "\(dir.file("labels")) holds 2 labels but \(dir.file("images")) holds 3 images")
    }

    @Test func labelsOutsideTheClassRangeAreRejected() throws {
        let dir = try ScratchDirectory()
        try IDX.write(Self.images, to: dir.file("images"), gzip: false)
        try IDX.write(IDXArray(dims: [3], bytes: [1, 10, 2]), to: dir.file("labels"), gzip: false)
        let error = #expect(throws: DataFileError.self) {
            try IDX.loadImageSet(images: dir.file("images"), labels: dir.file("labels"))
        }
        #expect(error?.description == "\(dir.file("labels")): label 10 at index 1 is outside 0..<10")
    }
}
