// The safetensors format (https://github.com/huggingface/safetensors): the checkpoint format ddpm
// reads and writes, and the one diffusers' UNet2DModel weights come in. This file holds the data
// model and dtype conversions; reading is in Safetensors+Read.swift, writing in Safetensors+Write.swift.
//
// Layout:
//   8 bytes   N, the header length, UInt64 little-endian
//   N bytes   JSON object: name -> {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]},
//             plus an optional "__metadata__": {string: string}; padded with spaces so the data
//             starts 8-byte aligned
//   the rest  tensor data, little-endian, row-major; offsets are relative to the start of this part

/// A safetensors element type; the raw value is the spelling in the header.
public enum SafetensorsDType: String, CaseIterable, Sendable {
    case bool = "BOOL"
    case uint8 = "U8", int8 = "I8", uint16 = "U16", int16 = "I16"
    case uint32 = "U32", int32 = "I32", uint64 = "U64", int64 = "I64"
    case float8E4M3 = "F8_E4M3", float8E5M2 = "F8_E5M2"
    case float16 = "F16", bfloat16 = "BF16", float32 = "F32", float64 = "F64"

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E4M3, .float8E5M2: return 1
        case .uint16, .int16, .float16, .bfloat16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        }
    }
}

/// One tensor: its dtype, shape and raw little-endian bytes, exactly as stored in the file.
public struct SafetensorsTensor: Equatable, Sendable {
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// Row-major little-endian elements; `elementCount · dtype.byteCount` bytes.
    public let data: [UInt8]

    /// Elements in the tensor, the product of `shape` (1 for a scalar, shape `[]`).
    public var elementCount: Int { shape.reduce(1, *) }

    public init(dtype: SafetensorsDType, shape: [Int], data: [UInt8]) {
        let expected = shape.reduce(1, *) * dtype.byteCount
        if data.count != expected || shape.contains(where: { $0 < 0 }) {
            fatalError("SafetensorsTensor: shape \(shape) of \(dtype.rawValue) needs \(expected) bytes but got \(data.count)")
        }
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// An F32 tensor.
    public init(shape: [Int], floats: [Float]) {
        self.init(dtype: .float32, shape: shape, data: littleEndianBytes(floats.map(\.bitPattern)))
    }

    /// An I64 tensor (e.g. a step counter, which Float would round above 2^24).
    public init(shape: [Int], int64s: [Int64]) {
        self.init(dtype: .int64, shape: shape, data: littleEndianBytes(int64s.map { UInt64(bitPattern: $0) }))
    }

    /// The elements converted to Float, whatever the dtype (integers above 2^24 and F64 values round).
    public var floats: [Float] {
        switch dtype {
        case .float32: return words(UInt32.self).map { Float(bitPattern: $0) }
        case .float64: return words(UInt64.self).map { Float(Double(bitPattern: $0)) }
        case .float16: return words(UInt16.self).map(floatFromHalf)
        // bfloat16 is the top half of a float32.
        case .bfloat16: return words(UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        // E5M2 is the top byte of a float16.
        case .float8E5M2: return data.map { floatFromHalf(UInt16($0) << 8) }
        case .float8E4M3: return data.map(floatFromE4M3)
        case .bool, .uint8: return data.map { Float($0) }
        case .int8: return data.map { Float(Int8(bitPattern: $0)) }
        case .uint16: return words(UInt16.self).map { Float($0) }
        case .int16: return words(UInt16.self).map { Float(Int16(bitPattern: $0)) }
        case .uint32: return words(UInt32.self).map { Float($0) }
        case .int32: return words(UInt32.self).map { Float(Int32(bitPattern: $0)) }
        case .uint64: return words(UInt64.self).map { Float($0) }
        case .int64: return words(UInt64.self).map { Float(Int64(bitPattern: $0)) }
        }
    }

    /// The elements as exact integers for the integer dtypes; nil for floating-point dtypes and
    /// for U64 values above Int64.max.
    public var int64s: [Int64]? {
        switch dtype {
        case .bool, .uint8: return data.map { Int64($0) }
        case .int8: return data.map { Int64(Int8(bitPattern: $0)) }
        case .uint16: return words(UInt16.self).map { Int64($0) }
        case .int16: return words(UInt16.self).map { Int64(Int16(bitPattern: $0)) }
        case .uint32: return words(UInt32.self).map { Int64($0) }
        case .int32: return words(UInt32.self).map { Int64(Int32(bitPattern: $0)) }
        case .int64: return words(UInt64.self).map { Int64(bitPattern: $0) }
        case .uint64:
            let values = words(UInt64.self)
            return values.allSatisfy({ $0 <= UInt64(Int64.max) }) ? values.map { Int64($0) } : nil
        case .float8E4M3, .float8E5M2, .float16, .bfloat16, .float32, .float64: return nil
        }
    }

    /// `data` read as little-endian words of type `T`.
    private func words<T: FixedWidthInteger>(_: T.Type) -> [T] {
        data.withUnsafeBytes { raw in
            (0..<(raw.count / MemoryLayout<T>.size)).map {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self))
            }
        }
    }
}

/// A whole safetensors file: named tensors plus string metadata.
public struct SafetensorsFile: Equatable, Sendable {
    public var tensors: [String: SafetensorsTensor]
    /// The header's "__metadata__" object (diffusers writes {"format": "pt"}).
    public var metadata: [String: String]

    public init(tensors: [String: SafetensorsTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }
}

/// The header key that holds metadata rather than a tensor.
let safetensorsMetadataKey = "__metadata__"

// MARK: - Conversions

private func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    var bytes = [UInt8]()
    bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
    for value in values {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    return bytes
}

/// IEEE binary16 → Float: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.
private func floatFromHalf(_ bits: UInt16) -> Float {
    let sign: Float = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = Float(bits & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24                    // zero and subnormals: f · 2^-14 · 2^-10
    case 0x1F: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
}

/// float8 E4M3 (the "FN" variant safetensors means): 1 sign, 4 exponent bits (bias 7), 3 fraction
/// bits, no infinities, and only S.1111.111 is NaN.
private func floatFromE4M3(_ bits: UInt8) -> Float {
    let sign: Float = bits & 0x80 != 0 ? -1 : 1
    let exponent = Int((bits >> 3) & 0x0F)
    let fraction = Float(bits & 0x07)
    if exponent == 0x0F && bits & 0x07 == 0x07 { return .nan }
    if exponent == 0 { return sign * fraction * 0x1p-9 }        // subnormals: f/8 · 2^-6
    return sign * (1 + fraction / 8) * Float(sign: .plus, exponent: exponent - 7, significand: 1)
}
