// Reading safetensors: every structural check the reference implementation makes, each failure a
// one-line DataFileError naming the file and the problem.
import Foundation

extension SafetensorsFile {
    /// Headers above this are refused without parsing, as the reference implementation does
    /// (MAX_HEADER_SIZE = 100 000 000): a random file's first 8 bytes make a huge "length".
    static let maximumHeaderLength = 100_000_000

    /// Reads and validates the safetensors file at `path`.
    public static func read(from path: String) throws -> SafetensorsFile {
        try decode(DurableFile.read(path), path: path)
    }

    /// Parses a whole safetensors file held in memory; `path` is used only in error messages.
    public static func decode(_ bytes: [UInt8], path: String) throws -> SafetensorsFile {
        func fail(_ problem: String) -> DataFileError { .malformed(path: path, problem: problem) }

        // 1. The header length, and that the header fits in the file.
        guard bytes.count >= 8 else {
            throw fail("file is \(bytes.count) bytes, too short for the 8-byte header length of a safetensors file")
        }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(min(maximumHeaderLength, bytes.count - 8)) else {
            throw fail("not a safetensors file, or truncated: the header length field says \(headerLength) bytes " +
                       "but \(bytes.count - 8) bytes follow")
        }
        let headerEnd = 8 + Int(headerLength)

        // 2. The header is a JSON object.
        let headerBytes = Data(bytes[8..<headerEnd])
        let header: [String: HeaderValue]
        do {
            header = try JSONDecoder().decode([String: HeaderValue].self, from: headerBytes)
        } catch {
            if (try? JSONSerialization.jsonObject(with: headerBytes, options: .fragmentsAllowed)) != nil {
                throw fail("header is JSON but not an object")
            }
            let start = String(decoding: headerBytes.prefix(24), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            throw fail("header is not valid JSON (it starts \"\(start)\")")
        }

        // 3. Metadata, when present, maps strings to strings.
        var metadata: [String: String] = [:]
        if let value = header[safetensorsMetadataKey] {
            guard let strings = value.strings else { throw fail("\(safetensorsMetadataKey) is not an object of strings") }
            metadata = strings
        }

        // 4. Each tensor entry, with its byte size matching its dtype and shape.
        let dataCount = bytes.count - headerEnd
        var entries: [(name: String, dtype: SafetensorsDType, shape: [Int], begin: Int, end: Int)] = []
        for (name, entry) in header where name != safetensorsMetadataKey {
            guard let dtypeName = entry.dtype else { throw fail("tensor '\(name)': no \"dtype\" string") }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else { throw fail("tensor '\(name)': unknown dtype \"\(dtypeName)\"") }
            guard let shape = entry.shape, shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor '\(name)': \"shape\" is missing or not a list of non-negative integers")
            }
            guard let offsets = entry.dataOffsets, offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw fail("tensor '\(name)': \"data_offsets\" is missing or not [begin, end] with 0 ≤ begin ≤ end")
            }
            let (begin, end) = (offsets[0], offsets[1])
            var needed = dtype.byteCount
            for dim in shape {
                let (product, overflow) = needed.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw fail("tensor '\(name)': shape \(shape) is implausibly large") }
                needed = product
            }
            guard end - begin == needed else {
                throw fail("tensor '\(name)': shape \(shape) of \(dtypeName) needs \(needed) bytes but data_offsets [\(begin), \(end)] cover \(end - begin)")
            }
            guard end <= dataCount else {
                throw fail("tensor '\(name)': data_offsets [\(begin), \(end)] run past the end of the data " +
                           "(\(dataCount) bytes after the header; is the file truncated?)")
            }
            entries.append((name, dtype, shape, begin, end))
        }

        // 5. The tensors tile the data exactly: no overlaps, no gaps, nothing left over (the
        //    reference implementation rejects all three).
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        for (index, entry) in entries.enumerated() {
            if entry.begin < covered {
                let previous = entries[index - 1]
                throw fail("tensors '\(previous.name)' [\(previous.begin), \(previous.end)) and '\(entry.name)' " +
                           "[\(entry.begin), \(entry.end)) overlap")
            }
            if entry.begin > covered { throw fail("data bytes [\(covered), \(entry.begin)) belong to no tensor") }
            covered = entry.end
        }
        if covered < dataCount { throw fail("the last \(dataCount - covered) data bytes belong to no tensor") }

        var tensors: [String: SafetensorsTensor] = [:]
        for entry in entries {
            tensors[entry.name] = SafetensorsTensor(
                dtype: entry.dtype, shape: entry.shape,
                data: Array(bytes[(headerEnd + entry.begin)..<(headerEnd + entry.end)]))
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }
}

/// One value of the header object, decoded leniently so that the reader can say which field of
/// which entry is wrong: a tensor entry fills `dtype`, `shape` and `dataOffsets`; the metadata
/// object fills `strings`. A field of the wrong JSON type decodes as nil (JSONDecoder refuses
/// 2.5 or true where an Int is expected).
private struct HeaderValue: Decodable {
    var dtype: String?
    var shape: [Int]?
    var dataOffsets: [Int]?
    var strings: [String: String]?

    private enum Key: String, CodingKey { case dtype, shape, dataOffsets = "data_offsets" }

    init(from decoder: Decoder) throws {
        strings = try? decoder.singleValueContainer().decode([String: String].self)
        guard let entry = try? decoder.container(keyedBy: Key.self) else { return }
        dtype = try? entry.decode(String.self, forKey: .dtype)
        shape = try? entry.decode([Int].self, forKey: .shape)
        dataOffsets = try? entry.decode([Int].self, forKey: .dataOffsets)
    }
}
