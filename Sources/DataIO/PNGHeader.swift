// The channel count of a PNG from its IHDR chunk alone (33 bytes), so a folder's colour can be
// checked before anything is decoded.
import Foundation

extension PNGImage {
    /// 1 for a grayscale PNG (colour types 0 and 4: gray, gray + alpha), 3 for a colour one
    /// (2 RGB, 3 palette, 6 RGBA): the channel count `read(from:)` decodes it to (alpha is
    /// composited away, palettes become RGB). Reads only the signature and the IHDR chunk.
    public static func channels(ofFileAt path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PNGError.unreadable(path: path, reason: access(path, R_OK) != 0 ? String(cString: strerror(errno)) : "cannot open")
        }
        defer { try? handle.close() }   // read-only: a failed close loses nothing
        let head = [UInt8](handle.readData(ofLength: 26))
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard head.count == 26, Array(head[0..<8]) == signature, Array(head[12..<16]) == Array("IHDR".utf8) else {
            throw PNGError.unreadable(path: path, reason: "not a PNG file (no PNG signature and IHDR chunk)")
        }
        switch head[25] {
        case 0, 4: return 1
        case 2, 3, 6: return 3
        case let other: throw PNGError.unreadable(path: path, reason: "unknown PNG colour type \(other)")
        }
    }
}
