// zlib access for the dataset readers: a sequential reader that takes gzip and plain files alike
// (zlib passes non-gzip input through unchanged), and an in-memory gzip compressor for writers.
import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file front to back through zlib, so `x.gz` and an uncompressed `x` read the same way.
final class GzipReader {
    let path: String
    private let file: gzFile

    /// Opens `path` for reading; throws `.unreadable` with the system's reason when it cannot.
    init(path: String) throws {
        guard let file = gzopen(path, "rb") else {
            throw DataFileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.file = file
        // A bigger input buffer than zlib's 8 KiB default roughly halves the time to inflate 47 MB.
        gzbuffer(file, 1 << 17)
    }

    deinit { gzclose(file) }

    /// Reads up to `count` bytes; fewer come back only at the end of the data.
    /// Throws `.malformed` when the gzip stream is corrupt (a truncated stream just ends early;
    /// see `endedEarly`).
    func read(upTo count: Int) throws -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(min(count, Self.chunkSize))
        var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
        while bytes.count < count {
            let wanted = min(Self.chunkSize, count - bytes.count)
            let got = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(wanted)) }
            if got < 0 { throw DataFileError.malformed(path: path, problem: "gzip data is corrupt (\(zlibMessage()))") }
            if got == 0 { break }
            bytes.append(contentsOf: chunk[0..<Int(got)])
        }
        return bytes
    }

    /// Counts the bytes left until the end, for "the file holds N bytes" messages.
    func countRemaining() throws -> Int {
        var total = 0
        while true {
            let got = try read(upTo: Self.chunkSize).count
            if got == 0 { return total }
            total += got
        }
    }

    /// True when the data ended because the gzip stream was cut off, not at a proper gzip trailer.
    var endedEarly: Bool {
        var code: Int32 = 0
        _ = gzerror(file, &code)
        return code == Z_BUF_ERROR
    }

    private func zlibMessage() -> String {
        var code: Int32 = 0
        guard let message = gzerror(file, &code) else { return "zlib error \(code)" }
        return String(cString: message)
    }

    private static let chunkSize = 1 << 20
}

enum Gzip {
    /// Compresses `bytes` into a complete gzip member (header, deflate data, CRC-32 trailer).
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16 asks deflate for a gzip wrapper instead of a zlib one.
        let status = deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { fatalError("deflateInit2 failed with zlib status \(status)") }
        defer { deflateEnd(&stream) }

        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        var input = bytes
        let result = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        // deflateBound guarantees room for one Z_FINISH call, so anything else is a zlib bug.
        guard result == Z_STREAM_END else { fatalError("deflate did not finish (zlib status \(result))") }
        return Array(output[0..<Int(stream.total_out)])
    }
}
