// Reading a 1-D float vector from a .npy file (numpy.save of a float64 or float32 array), for
// `--betas-file`. Versions 1.0 and 2.0 of the format (numpy/lib/format.py); only what a vector
// of betas needs: little-endian '<f8' or '<f4', C order, one dimension.
import Foundation

extension NPYArray {
    /// The elements of a 1-D float64 or float32 .npy file as Double (float64 values exactly).
    /// Throws a `DataFileError.mismatched` naming the file and what was found.
    public static func readVector(from path: String) throws -> [Double] {
        let bytes = try DurableFile.read(path)
        func bad(_ what: String) -> DataFileError { .mismatched("\(path): \(what)") }
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw bad("not a .npy file (no \\x93NUMPY magic)") }
        let major = bytes[6]
        let (lengthBytes, start) = major == 1 ? (2, 10) : (4, 12)
        guard major == 1 || major == 2, bytes.count >= start else { throw bad(".npy version \(major) is not supported (1 or 2)") }
        let length = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        guard bytes.count >= start + length else { throw bad("truncated .npy header") }
        let header = String(decoding: bytes[start..<(start + length)], as: UTF8.self)
        let width: Int
        if header.contains("'descr': '<f8'") { width = 8 } else if header.contains("'descr': '<f4'") { width = 4 } else {
            throw bad("expected a little-endian float64 or float32 array ('<f8' or '<f4'), found header \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard header.contains("'fortran_order': False") else { throw bad("Fortran-ordered arrays are not supported") }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw bad("no shape in the .npy header")
        }
        let dims = header[open.upperBound..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard dims.count == 1, let count = Int(dims[0]) else { throw bad("expected a 1-D array, found shape (\(header[open.upperBound..<close]))") }
        let data = bytes[(start + length)...]
        guard data.count == count * width else { throw bad("holds \(data.count) data bytes, expected \(count * width) for \(count) values") }
        return (0..<count).map { i in
            let offset = data.startIndex + i * width
            let bits = (0..<width).reduce(UInt64(0)) { $0 | UInt64(data[offset + $1]) << (8 * UInt64($1)) }
            return width == 8 ? Double(bitPattern: bits) : Double(Float(bitPattern: UInt32(bits)))
        }
    }
}
