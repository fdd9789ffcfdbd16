// PNGImage read/write: bit-exact round trips, text chunks, the flavour conversions of the read
// path, readable errors for bad files, and the overwrite/atomic-write contract.
import Foundation
import Testing

@testable import DataIO

@Suite struct PNGRoundTripTests {
    /// A deterministic, non-repeating pattern so swapped rows or channels cannot cancel out.
    static func pattern(width: Int, height: Int, channels: Int) -> [UInt8] {
        (0..<(width * height * channels)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / 7) }
    }

    @Test(arguments: [1, 3])
    func roundTripIsBitExactAtOddSize(channels: Int) throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        let path = dir + "/odd.png"
        let image = PNGImage(width: 37, height: 23, channels: channels,
                             pixels: Self.pattern(width: 37, height: 23, channels: channels))
        try image.write(to: path, overwrite: false)
        let back = try PNGImage.read(from: path)
        #expect(back.width == 37 && back.height == 23 && back.channels == channels)
        #expect(back.pixels == image.pixels)
    }

    @Test func textChunksRoundTripInOrderIncludingUTF8AndLongValues() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        let path = dir + "/text.png"
        let longConfig = (0..<200).map { "key\($0): value \($0)" }.joined(separator: "\n")  // > 512 bytes: zTXt
        let text: [(key: String, value: String)] = [
            ("Software", "ddpm"),
            ("Comment", "β_t linear, ᾱ_T ≈ 4e-5 — ünïcödé"),  // iTXt
            ("ddpm.config", longConfig),
            ("ddpm.note", longConfig + " ✓"),  // compressed iTXt
            ("Empty", ""),
        ]
        let image = PNGImage(width: 3, height: 2, channels: 1, pixels: [0, 1, 2, 3, 4, 5], text: text)
        try image.write(to: path, overwrite: false)
        let back = try PNGImage.read(from: path)
        #expect(back == image)
        #expect(back.textValue(forKey: "Comment") == "β_t linear, ᾱ_T ≈ 4e-5 — ünïcödé")
        #expect(back.textValue(forKey: "missing") == nil)
    }

    /// Round trips cannot tell tEXt from iTXt, but other readers can: tEXt must stay Latin-1.
    @Test func textChunkTypeFollowsContent() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        let path = dir + "/types.png"
        let long = String(repeating: "x", count: 600)
        let text: [(key: String, value: String)] = [("a", "ascii"), ("b", "ü"), ("c", long), ("d", long + "ü")]
        try PNGImage(width: 1, height: 1, channels: 1, pixels: [0], text: text).write(to: path, overwrite: false)
        #expect(Self.chunkTypes(in: try PNGTestSupport.bytes(at: path)).filter { $0.hasSuffix("Xt") }
                == ["tEXt", "iTXt", "zTXt", "iTXt"])
    }

    static func chunkTypes(in png: [UInt8]) -> [String] {
        var types: [String] = []
        var offset = 8
        while offset + 8 <= png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            types.append(String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self))
            offset += 12 + length
        }
        return types
    }

    @Test(arguments: ["", " lead", "trail ", "two  spaces", String(repeating: "k", count: 80), "tab\tkey", "ключ"])
    func invalidTextKeyIsRejectedBeforeWriting(key: String) throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        let image = PNGImage(width: 1, height: 1, channels: 1, pixels: [0], text: [(key, "v")])
        let error = #expect(throws: PNGError.self) { try image.write(to: dir + "/k.png", overwrite: false) }
        #expect(error == .invalidTextKey(path: dir + "/k.png", key: key))
        #expect(try PNGTestSupport.contents(of: dir).isEmpty)
    }

    @Test func textValueWithNULIsRejected() throws {
        let image = PNGImage(width: 1, height: 1, channels: 1, pixels: [0], text: [("k", "a\u{0}b")])
        #expect(throws: PNGError.invalidTextValue(path: "/nonexistent/x.png", key: "k")) {
            try image.write(to: "/nonexistent/x.png", overwrite: false)
        }
    }
}

@Suite struct PNGReadConversionTests {
    func read(_ bytes: [UInt8]) throws -> PNGImage {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        try PNGTestSupport.write(bytes, to: dir + "/in.png")
        return try PNGImage.read(from: dir + "/in.png")
    }

    @Test func palette2BitBecomesRGB() throws {
        let palette: [UInt8] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 255, 0, 128]
        // Indices 0,1,2,3 packed 2 bits each, most significant first: 0b00_01_10_11.
        let png = RawPNG.file(width: 4, height: 1, bitDepth: 2, colorType: 3, scanlines: [[0b0001_1011]],
                              before: [("PLTE", palette)])
        let image = try read(png)
        #expect(image.channels == 3)
        #expect(image.pixels == palette)
    }

    @Test func gray1BitExpandsTo0And255() throws {
        let png = RawPNG.file(width: 5, height: 1, bitDepth: 1, colorType: 0, scanlines: [[0b1011_0000]])
        let image = try read(png)
        #expect(image.channels == 1)
        #expect(image.pixels == [255, 0, 255, 255, 0])
    }

    @Test func sixteenBitRoundsRatherThanTruncates() throws {
        // v / 257 rounded: 0x12F0 = 4848 -> 18.86 -> 19 (truncating to the high byte would give 18).
        let row = RawPNG.bigEndian16(0x12F0) + RawPNG.bigEndian16(0xFFFF) + RawPNG.bigEndian16(0x0000)
        let image = try read(RawPNG.file(width: 3, height: 1, bitDepth: 16, colorType: 0, scanlines: [row]))
        #expect(image.pixels == [19, 255, 0])
    }

    @Test func alphaIsCompositedOntoBlack() throws {
        // RGBA: half-transparent, opaque, fully transparent.
        let row: [UInt8] = [201, 100, 50, 128, 1, 2, 3, 255, 90, 90, 90, 0]
        let image = try read(RawPNG.file(width: 3, height: 1, bitDepth: 8, colorType: 6, scanlines: [row]))
        #expect(image.channels == 3)
        // round(c * 128 / 255): 201 -> 100.89 -> 101 (truncating would give 100), 100 -> 50.2 -> 50, 50 -> 25.1 -> 25.
        #expect(image.pixels == [101, 50, 25, 1, 2, 3, 0, 0, 0])
    }

    @Test func grayAlphaBecomesGray() throws {
        let image = try read(RawPNG.file(width: 2, height: 1, bitDepth: 8, colorType: 4, scanlines: [[255, 0, 77, 255]]))
        #expect(image.channels == 1)
        #expect(image.pixels == [0, 77])
    }

    @Test func tRNSColorKeyIsTransparent() throws {
        // tRNS for RGB: the 16-bit color (1, 2, 3) is fully transparent.
        let key = RawPNG.bigEndian16(1) + RawPNG.bigEndian16(2) + RawPNG.bigEndian16(3)
        let image = try read(RawPNG.file(width: 2, height: 1, bitDepth: 8, colorType: 2, scanlines: [[1, 2, 3, 4, 5, 6]],
                                         before: [("tRNS", key)]))
        #expect(image.pixels == [0, 0, 0, 4, 5, 6])
    }

    @Test func textAfterImageDataAndLatin1AreRead() throws {
        let latin1: [UInt8] = Array("Author".utf8) + [0] + [0x52, 0x65, 0x6E, 0xE9]  // "René" in Latin-1
        let png = RawPNG.file(width: 1, height: 1, bitDepth: 8, colorType: 0, scanlines: [[9]],
                              before: [("tEXt", Array("Title".utf8) + [0] + Array("before".utf8))],
                              after: [("tEXt", latin1)])
        let image = try read(png)
        #expect(image.text.map(\.key) == ["Title", "Author"])
        #expect(image.textValue(forKey: "Author") == "René")
    }
}

@Suite struct PNGErrorTests {
    @Test func missingFileNamesThePath() throws {
        let error = #expect(throws: PNGError.self) { try PNGImage.read(from: "/nonexistent/dir/missing.png") }
        #expect(error == .unreadable(path: "/nonexistent/dir/missing.png", reason: "No such file or directory"))
        #expect(error?.description == "cannot read PNG /nonexistent/dir/missing.png: No such file or directory")
    }

    @Test func nonPNGFileIsRejectedBySignature() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        let path = dir + "/notes.png"
        try PNGTestSupport.write(Array("this is a text file, not a PNG\n".utf8), to: path)
        let error = #expect(throws: PNGError.self) { try PNGImage.read(from: path) }
        #expect(error == .unreadable(path: path, reason: "not a PNG file (bad signature)"))
    }

    @Test func emptyFileSaysEmpty() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        try PNGTestSupport.write([], to: dir + "/empty.png")
        let error = #expect(throws: PNGError.self) { try PNGImage.read(from: dir + "/empty.png") }
        #expect(error == .unreadable(path: dir + "/empty.png", reason: "empty file, expected a PNG"))
    }

    @Test func truncatedPNGIsAnErrorNotACrash() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        let path = dir + "/cut.png"
        try PNGImage(width: 37, height: 23, channels: 3,
                     pixels: PNGRoundTripTests.pattern(width: 37, height: 23, channels: 3)).write(to: path, overwrite: false)
        let whole = try PNGTestSupport.bytes(at: path)
        try PNGTestSupport.write(Array(whole.prefix(whole.count / 2)), to: path)
        let error = #expect(throws: PNGError.self) { try PNGImage.read(from: path) }
        #expect(error == .unreadable(path: path, reason: "unexpected end of file (truncated PNG?)"))
    }

    @Test func corruptChunkCRCIsReported() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        var bytes = RawPNG.file(width: 2, height: 2, bitDepth: 8, colorType: 0, scanlines: [[1, 2], [3, 4]])
        bytes[8 + 8 + 13] ^= 0xFF  // first byte of IHDR's CRC
        try PNGTestSupport.write(bytes, to: dir + "/crc.png")
        let error = #expect(throws: PNGError.self) { try PNGImage.read(from: dir + "/crc.png") }
        guard case .unreadable(let path, let reason) = error else { return }
        #expect(path == dir + "/crc.png")
        #expect(reason.contains("CRC"))
    }
}

@Suite struct PNGWriteSafetyTests {
    let small = PNGImage(width: 2, height: 1, channels: 1, pixels: [1, 2])
    let other = PNGImage(width: 1, height: 1, channels: 3, pixels: [7, 8, 9])

    @Test func existingFileIsNotOverwrittenWithoutForce() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        let path = dir + "/out.png"
        try small.write(to: path, overwrite: false)
        let error = #expect(throws: FileError.self) { try other.write(to: path, overwrite: false) }
        #expect(error?.description == "cannot write \(path): it already exists; pass --force to overwrite it or choose another path")
        #expect(try PNGImage.read(from: path) == small)
        try other.write(to: path, overwrite: true)
        #expect(try PNGImage.read(from: path) == other)
        #expect(try PNGTestSupport.contents(of: dir) == ["out.png"])  // no temporary files left
    }

    @Test func failedRenameLeavesNoTemporaryFile() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        // A non-empty directory where the file should go: encoding succeeds, rename fails.
        try FileManager.default.createDirectory(atPath: dir + "/taken.png/inner", withIntermediateDirectories: true)
        let error = #expect(throws: FileError.self) { try small.write(to: dir + "/taken.png", overwrite: true) }
        #expect(error?.path == dir + "/taken.png")
        #expect(try PNGTestSupport.contents(of: dir) == ["taken.png"])
    }

    @Test func missingDirectoryNamesTheDestination() throws {
        let error = #expect(throws: FileError.self) { try small.write(to: "/nonexistent/dir/out.png", overwrite: false) }
        #expect(error == FileError(path: "/nonexistent/dir/out.png", operation: .write, code: ENOENT))
    }

    @Test func temporaryPathIsAHiddenSibling() {
        let temporary = PNGImage.temporaryPath(besides: "runs/a/samples.png")
        #expect(temporary.hasPrefix("runs/a/.samples.png.tmp-"))
        #expect(PNGImage.temporaryPath(besides: "x.png").hasPrefix(".x.png.tmp-"))
    }
}
