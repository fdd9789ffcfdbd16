// Reading Inception-v3 weights from safetensors: every layer's five tensors under pytorch-fid's
// (torchvision's) names, checked for presence, dtype and shape in network order, so the first
// problem is the one reported. A file that has tensors the network does not use is rejected too:
// a strict load is the only way to know the file is the network it claims to be.

import DataIO
import TensorCore

/// Why a weights file cannot be used as the FID Inception-v3. Each description is one line that
/// names the file. (A file that cannot be read or is not safetensors fails earlier, with DataIO's
/// `DataFileError`, which names the file too.)
public enum InceptionWeightsError: Error, CustomStringConvertible, Equatable {
    case missingTensor(path: String, name: String, tensorCount: Int, example: String?)
    case wrongShape(path: String, name: String, expected: [Int], found: [Int])
    case wrongDType(path: String, name: String, found: String)
    case unexpectedTensor(path: String, name: String, count: Int)

    public var description: String {
        switch self {
        case let .missingTensor(path, name, count, example):
            "\(path) is not the FID Inception-v3 (pytorch-fid layout): tensor \(name) is missing"
                + " (the file has \(count) tensors\(example.map { ", e.g. \($0)" } ?? "")); \(InceptionV3.howToGetWeights)"
        case let .wrongShape(path, name, expected, found):
            "\(path) is not the FID Inception-v3: tensor \(name) has shape \(describe(found)), expected \(describe(expected))"
        case let .wrongDType(path, name, found):
            "\(path): tensor \(name) is \(found), expected F32"
        case let .unexpectedTensor(path, name, count):
            "\(path) is not exactly the FID Inception-v3: \(count) tensor(s) the network does not use, e.g. \(name)"
        }
    }
}

/// Hands out the network's layers from a safetensors file, checking each as it is taken.
struct InceptionWeightReader {
    let file: SafetensorsFile
    let path: String
    let architecture: InceptionArchitecture
    private(set) var used: Set<String> = []

    init(file: SafetensorsFile, path: String, architecture: InceptionArchitecture) {
        self.file = file
        self.path = path
        self.architecture = architecture
    }

    /// The layer `name` (e.g. `Mixed_6b.branch7x7_2`): a `kernel.rows × kernel.columns` convolution
    /// from `input` to `output` channels of the standard network, scaled by the architecture's width.
    mutating func layer(_ name: String, _ input: Int, _ output: Int, kernel: (rows: Int, columns: Int),
                        stride: Int = 1, padding: (rows: Int, columns: Int) = (0, 0)) throws -> ConvBNReLU {
        let cin = architecture.channels(input), cout = architecture.channels(output)
        let weight = try tensor("\(name).conv.weight", shape: [cout, cin, kernel.rows, kernel.columns])
        return ConvBNReLU(weight: weight, shape: [cout, cin, kernel.rows, kernel.columns],
                          gamma: try tensor("\(name).bn.weight", shape: [cout]),
                          beta: try tensor("\(name).bn.bias", shape: [cout]),
                          mean: try tensor("\(name).bn.running_mean", shape: [cout]),
                          variance: try tensor("\(name).bn.running_var", shape: [cout]),
                          stride: stride, padding: padding)
    }

    /// A square `k × k` layer with equal padding on both axes.
    mutating func layer(_ name: String, _ input: Int, _ output: Int, k: Int, stride: Int = 1, padding: Int = 0) throws -> ConvBNReLU {
        try layer(name, input, output, kernel: (k, k), stride: stride, padding: (padding, padding))
    }

    /// Throws when the file holds tensors that no layer took.
    func checkAllUsed() throws {
        let extra = file.tensors.keys.filter { !used.contains($0) }.sorted()
        if let first = extra.first { throw InceptionWeightsError.unexpectedTensor(path: path, name: first, count: extra.count) }
    }

    private mutating func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        guard let t = file.tensors[name] else {
            throw InceptionWeightsError.missingTensor(path: path, name: name, tensorCount: file.tensors.count,
                                                      example: file.tensors.keys.sorted().first)
        }
        guard t.dtype == .float32 else { throw InceptionWeightsError.wrongDType(path: path, name: name, found: t.dtype.rawValue) }
        guard t.shape == shape else { throw InceptionWeightsError.wrongShape(path: path, name: name, expected: shape, found: t.shape) }
        used.insert(name)
        return t.floats
    }
}
