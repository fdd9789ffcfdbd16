// Writing safetensors: a deterministic header (tensors in name order, keys sorted, padded with
// spaces as the reference implementation does) and an atomic, durable replace of the target file.

extension SafetensorsFile {
    /// The complete file: header length, header, then each tensor's bytes in name order.
    public func encoded() -> [UInt8] {
        if tensors[safetensorsMetadataKey] != nil {
            fatalError("SafetensorsFile: a tensor cannot be named \(safetensorsMetadataKey)")
        }
        // 1. Header JSON, with offsets assigned in name order so equal content gives equal bytes.
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            fields.append("\(jsonString(safetensorsMetadataKey)):{\(pairs.joined(separator: ","))}")
        }
        let names = tensors.keys.sorted()
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)]," +
                          "\"data_offsets\":[\(offset),\(offset + tensor.data.count)]}")
            offset += tensor.data.count
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)

        // 2. Pad with spaces to a multiple of 8 so the data starts 8-byte aligned (8 + header).
        header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        // 3. Length prefix (UInt64 little-endian), header, data.
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += header
        for name in names { bytes += tensors[name]!.data }
        return bytes
    }

    /// Writes the file atomically: a crash or kill at any moment leaves the old file or the new
    /// one at `path`, never a torn one (see `DurableFile.write`).
    public func write(to path: String) throws {
        try DurableFile.write(encoded(), to: path)
    }
}

/// `value` as a JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped.
private func jsonString(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
