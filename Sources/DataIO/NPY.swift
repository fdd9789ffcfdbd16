// NumPy's .npy format (version 1.0) for float32 arrays, so features and statistics that ddpm computes
// can be read by `numpy.load` and scored with other tools. Writing only.
//
// Layout (numpy/lib/format.py):
//   6 bytes   magic "\x93NUMPY", then major 1, minor 0
//   2 bytes   header length H, UInt16 little-endian
//   H bytes   ASCII dict "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", padded with
//             spaces and ended by "\n" so the data starts at a multiple of 64 bytes
//   the rest  the elements, little-endian float32, row-major (C order)

/// A float32 array in .npy form.
public struct NPYArray: Equatable, Sendable {
    public let shape: [Int]
    public let values: [Float]

    /// `values` row-major with `shape`; the element counts must agree.
    public init(shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw DataFileError.mismatched("NPYArray: shape \(shape) does not hold \(values.count) values")
        }
        self.shape = shape
        self.values = values
    }

    /// The header dict, as numpy writes it (a 1-D shape keeps its trailing comma: `(5,)`).
    var header: String {
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        return "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var text = Array(header.utf8)
        let prefix = 10  // magic 6 + version 2 + length 2
        let padded = (prefix + text.count + 1 + 63) / 64 * 64
        text += [UInt8](repeating: 0x20, count: padded - prefix - text.count - 1) + [0x0A]
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += [UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
        bytes.reserveCapacity(bytes.count + 4 * values.count)
        for v in values {
            let b = v.bitPattern.littleEndian
            bytes += [UInt8(b & 0xFF), UInt8((b >> 8) & 0xFF), UInt8((b >> 16) & 0xFF), UInt8(b >> 24)]
        }
        return bytes
    }

    /// Writes the file (through a temporary file and a rename, as every ddpm output).
    public func write(to path: String) throws {
        try DurableFile.write(encoded(), to: path)
    }
}
