// Mask PNGs: white keeps, black generates, RGB by luma, and a size mismatch names the file.
import _TestSupport
import Testing
@testable import DataIO

@Suite struct MaskFileTests {
    @Test func whiteKeepsBlackGeneratesAndRGBUsesLuma() throws {
        let dir = try ScratchDirectory(prefix: "MaskFileTests")
        try PNGImage(width: 3, height: 1, channels: 1, pixels: [255, 0, 128]).write(to: dir.file("g.png"), overwrite: true)
        #expect(try MaskFile.read(from: dir.file("g.png"), height: 1, width: 3) == [1, 0, 1])
        // Pure green has luma 0.587·255 = 150 → keep; pure blue 29 → generate.
        try PNGImage(width: 2, height: 1, channels: 3, pixels: [0, 255, 0, 0, 0, 255]).write(to: dir.file("c.png"), overwrite: true)
        #expect(try MaskFile.read(from: dir.file("c.png"), height: 1, width: 2) == [1, 0])
    }

    @Test func sizeMismatchAndUnreadableFilesNameTheFile() throws {
        let dir = try ScratchDirectory(prefix: "MaskFileTests")
        try PNGImage(width: 4, height: 2, channels: 1, pixels: [UInt8](repeating: 0, count: 8)).write(to: dir.file("m.png"), overwrite: true)
        #expect(throws: MaskFileError.sizeMismatch(path: dir.file("m.png"), width: 4, height: 2, expectedWidth: 8, expectedHeight: 8)) {
            try MaskFile.read(from: dir.file("m.png"), height: 8, width: 8)
        }
        let message = "\(MaskFileError.sizeMismatch(path: "m.png", width: 4, height: 2, expectedWidth: 8, expectedHeight: 8))"
        #expect(message.hasPrefix("--mask-file m.png is 4x2 but the images are 8x8"))
        try dir.write(Array("nope".utf8), to: "bad.png")
        #expect(throws: PNGError.self) { try MaskFile.read(from: dir.file("bad.png"), height: 8, width: 8) }
    }
}
