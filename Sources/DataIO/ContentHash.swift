// Short content hashes that tie a result to the exact bytes it came from (checkpoints, feature
// networks, datasets): enough to tell files apart, not a cryptographic signature.

/// FNV-1a, 64 bit.
public struct ContentHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
    }

    /// Bytes in place (a whole memory-mapped split): not generic, so callers in other modules get
    /// the specialized loop, not a protocol-witness call per byte.
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
    }

    /// Adds each value's IEEE bit pattern (little-endian bytes).
    public mutating func add(_ values: [Float]) {
        for v in values { var bits = v.bitPattern.littleEndian; withUnsafeBytes(of: &bits) { add($0) } }
    }

    public var hex: String { String(value, radix: 16) }

    /// The hash of a file's bytes, hex.
    public static func file(_ path: String) throws -> String {
        var h = ContentHash()
        h.add(try DurableFile.read(path))
        return h.hex
    }
}
