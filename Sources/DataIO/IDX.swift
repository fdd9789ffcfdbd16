// IDX files, the format of MNIST and Fashion-MNIST, gzipped or not. Only the unsigned-byte element
// type is supported: it is the only one those datasets use.
//
// Layout (all integers big-endian), from http://yann.lecun.com/exdb/mnist/:
//   bytes 0-1  zero
//   byte  2    element type, 0x08 = unsigned byte
//   byte  3    number of dimensions D (3 for images N×H×W, 1 for labels N)
//   4·D bytes  the dimensions as UInt32
//   then       the elements, row-major, exactly the product of the dimensions

/// The contents of an unsigned-byte IDX file: its dimensions and row-major elements.
public struct IDXArray: Equatable, Sendable {
    public var dims: [Int]
    public var bytes: [UInt8]

    public init(dims: [Int], bytes: [UInt8]) {
        let count = dims.reduce(1, *)
        guard bytes.count == count else {
            fatalError("IDXArray: dims \(dims) need \(count) bytes but \(bytes.count) were given")
        }
        self.dims = dims
        self.bytes = bytes
    }
}

public enum IDX {
    /// Element type byte for unsigned bytes, the third byte of the magic number.
    static let unsignedByte: UInt8 = 0x08

    /// Reads an unsigned-byte IDX file of `rank` dimensions (3 for images, 1 for labels), gzipped or not.
    /// Throws a one-line `DataFileError` when the magic, the dimensions or the payload length is wrong.
    public static func read(_ path: String, rank: Int) throws -> IDXArray {
        let reader = try GzipReader(path: path)
        let expectedMagic = "00 00 08 \(hex([UInt8(rank)]))"
        let what = rank == 3 ? "images" : rank == 1 ? "labels" : "a rank-\(rank) array"

        // 1. Magic number: two zero bytes, the element type, the rank.
        let magic = try reader.read(upTo: 4)
        guard magic.count == 4, magic[0] == 0, magic[1] == 0, magic[2] == unsignedByte, Int(magic[3]) == rank else {
            throw DataFileError.malformed(path: path, problem:
                "not an IDX file of \(what) (starts with \(hex(magic)); expected magic \(expectedMagic))")
        }

        // 2. Dimensions. A corrupt header could claim terabytes, so the product is checked for
        //    overflow and the payload is read incrementally rather than preallocated.
        let header = try reader.read(upTo: 4 * rank)
        guard header.count == 4 * rank else {
            throw DataFileError.malformed(path: path, problem:
                "IDX header ends after \(4 + header.count) bytes; expected \(4 + 4 * rank)")
        }
        let dims = (0..<rank).map { i in header[4 * i..<4 * i + 4].reduce(0) { $0 << 8 | Int($1) } }
        var payload = 1
        for dim in dims {
            let (product, overflow) = payload.multipliedReportingOverflow(by: dim)
            guard !overflow else {
                throw DataFileError.malformed(path: path, problem: "IDX header dims \(shape(dims)) are implausibly large")
            }
            payload = product
        }

        // 3. Payload: exactly the product of the dimensions, no more, no less.
        let bytes = try reader.read(upTo: payload)
        let claim = rank == 1 ? "header says \(dims[0]) labels" : "header says \(shape(dims)) = \(payload) bytes of \(rank == 3 ? "pixels" : "data")"
        if bytes.count < payload {
            let cut = reader.endedEarly ? " (the gzip stream is truncated)" : ""
            throw DataFileError.malformed(path: path, problem: "\(claim) but the file holds \(bytes.count)\(cut)")
        }
        let extra = try reader.countRemaining()
        guard extra == 0 else {
            throw DataFileError.malformed(path: path, problem: "\(claim) but the file holds \(payload + extra)")
        }
        // All the data arrived, but a gzip file cut inside its 8-byte trailer has lost its CRC check.
        guard !reader.endedEarly else {
            throw DataFileError.malformed(path: path, problem: "the gzip stream is truncated (its CRC trailer is missing)")
        }
        return IDXArray(dims: dims, bytes: bytes)
    }

    /// Encodes `array` as an unsigned-byte IDX file: header, then the elements.
    public static func encode(_ array: IDXArray) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, unsignedByte, UInt8(array.dims.count)]
        for dim in array.dims {
            bytes += [UInt8(truncatingIfNeeded: dim >> 24), UInt8(truncatingIfNeeded: dim >> 16),
                      UInt8(truncatingIfNeeded: dim >> 8), UInt8(truncatingIfNeeded: dim)]
        }
        return bytes + array.bytes
    }

    /// Writes `array` to `path` atomically, gzip-compressed when `gzip` is true.
    public static func write(_ array: IDXArray, to path: String, gzip: Bool) throws {
        let encoded = encode(array)
        try DurableFile.write(gzip ? Gzip.compress(encoded) : encoded, to: path)
    }

    /// Loads an image file (N×H×W) and its label file (N) into a one-channel `ImageSet`, checking that
    /// the counts agree and that every label is below `classCount`.
    public static func loadImageSet(images imagesPath: String, labels labelsPath: String,
                                    classCount: Int = 10) throws -> ImageSet {
        let images = try read(imagesPath, rank: 3)
        let labels = try read(labelsPath, rank: 1)
        guard images.dims[0] == labels.dims[0] else {
            throw DataFileError.mismatched(
                "\(labelsPath) holds \(labels.dims[0]) labels but \(imagesPath) holds \(images.dims[0]) images")
        }
        if let bad = labels.bytes.firstIndex(where: { Int($0) >= classCount }) {
            throw DataFileError.malformed(path: labelsPath, problem:
                "label \(labels.bytes[bad]) at index \(bad) is outside 0..<\(classCount)")
        }
        return ImageSet(bytes: images.bytes, labels: labels.bytes.map(Int.init),
                        channels: 1, height: images.dims[1], width: images.dims[2])
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.isEmpty ? "nothing" : bytes.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: " ")
    }

    private static func shape(_ dims: [Int]) -> String { dims.map(String.init).joined(separator: "×") }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
