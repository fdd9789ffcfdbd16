// CIFAR-10 binary batches (cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html):
// data_batch_1.bin … data_batch_5.bin (10000 records each) and test_batch.bin. Not the Python pickles.
//
// Each record is 1 label byte (0-9) followed by 3072 pixel bytes: the 1024 red values of the 32×32
// image row by row, then the 1024 green, then the 1024 blue, i.e. already CHW.

public enum CIFAR10 {
    public static let channels = 3
    public static let height = 32
    public static let width = 32
    public static let classCount = 10
    /// Bytes in one record: the label byte plus C·H·W pixels.
    public static let recordSize = 1 + channels * height * width

    /// The five training batches and the test batch, as named in the official archive.
    public static let trainBatchNames = (1...5).map { "data_batch_\($0).bin" }
    public static let testBatchName = "test_batch.bin"

    /// Reads one batch file (gzipped or not): labels `[N]` and pixels `[N, 3, 32, 32]` as bytes.
    /// Throws when the size is not a whole number of records or a label is not 0-9.
    public static func readBatch(_ path: String) throws -> (labels: [Int], pixels: [UInt8]) {
        let reader = try GzipReader(path: path)
        let bytes = try reader.read(upTo: .max)
        guard !reader.endedEarly else {
            throw DataFileError.malformed(path: path, problem: "the gzip stream is truncated after \(bytes.count) bytes")
        }
        guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
            let records = bytes.count / recordSize
            throw DataFileError.malformed(path: path, problem:
                "\(bytes.count) bytes is not a whole number of \(recordSize)-byte CIFAR-10 records " +
                "(\(records) full records and \(bytes.count - records * recordSize) bytes left over)")
        }
        let count = bytes.count / recordSize
        var labels = [Int]()
        labels.reserveCapacity(count)
        var pixels = [UInt8]()
        pixels.reserveCapacity(count * (recordSize - 1))
        for record in 0..<count {
            let start = record * recordSize
            let label = Int(bytes[start])
            guard label < classCount else {
                throw DataFileError.malformed(path: path, problem:
                    "record \(record) has label \(label); CIFAR-10 labels are 0-9 (is this a CIFAR-100 file?)")
            }
            labels.append(label)
            pixels.append(contentsOf: bytes[(start + 1)..<(start + recordSize)])
        }
        return (labels, pixels)
    }

    /// Reads and concatenates `paths` in order into one `ImageSet` scaled to [-1, 1].
    public static func loadImageSet(batches paths: [String]) throws -> ImageSet {
        var labels = [Int]()
        var pixels = [UInt8]()
        for path in paths {
            let batch = try readBatch(path)
            labels += batch.labels
            pixels += batch.pixels
        }
        return ImageSet(bytes: pixels, labels: labels, channels: channels, height: height, width: width)
    }
}
