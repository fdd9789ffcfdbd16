// A trained feature network on disk: safetensors with the weights, and in the metadata its config
// and how it was made (dataset, test accuracy, training settings). Loading is strict: a file of
// another network, another version or another image shape is refused with a one-line reason.
import DataIO
import Foundation
import NN

/// How a feature network was made, stored next to its weights.
public struct FeatureNetRecord: Codable, Equatable, Sendable {
    public var dataset: String
    /// Top-1 accuracy on the dataset's test split.
    public var testAccuracy: Double
    public var testImages: Int
    public var training: FeatureNetTrainingSettings
    public var trainingImages: Int
    public var trainingSeconds: Double

    public init(dataset: String, testAccuracy: Double, testImages: Int, training: FeatureNetTrainingSettings,
                trainingImages: Int, trainingSeconds: Double) {
        self.dataset = dataset
        self.testAccuracy = testAccuracy
        self.testImages = testImages
        self.training = training
        self.trainingImages = trainingImages
        self.trainingSeconds = trainingSeconds
    }
}

/// Why a file cannot serve as the feature network.
public enum FeatureNetError: Error, CustomStringConvertible, Equatable {
    case notAFeatureNet(path: String, reason: String)
    case wrongImages(path: String, network: String, data: String)

    public var description: String {
        switch self {
        case let .notAFeatureNet(path, reason): "\(path) is not a ddpm feature network: \(reason)"
        case let .wrongImages(path, network, data): "\(path) is a feature network for \(network) images but the images are \(data)"
        }
    }
}

/// A feature network loaded from (or saved to) a file, with the file's content hash.
public struct FeatureNetFile {
    public let net: FeatureNet
    public let record: FeatureNetRecord
    public let path: String
    /// FNV-1a 64 of the network (architecture and weights, not the training record, whose wall
    /// time differs between bit-identical trainings): reports and cached real-data features are keyed by it.
    public let hash: String

    static let configKey = "ddpm_feature_net"
    static let recordKey = "ddpm_feature_net_record"

    public static func load(_ path: String) throws -> FeatureNetFile {
        let file = try SafetensorsFile.read(from: path)
        guard let configJSON = file.metadata[configKey], let recordJSON = file.metadata[recordKey] else {
            throw FeatureNetError.notAFeatureNet(path: path, reason: "no \(configKey) metadata (made by `ddpm evaluate --train-feature-net`)")
        }
        // The version first: an older network's config lacks fields of the current one.
        struct Version: Decodable { var version: Int }
        if let v = try? JSONDecoder().decode(Version.self, from: Data(configJSON.utf8)), v.version != FeatureNetConfig.currentVersion {
            throw FeatureNetError.notAFeatureNet(path: path, reason: "architecture version \(v.version), this ddpm builds version "
                                                 + "\(FeatureNetConfig.currentVersion); train a new one with --train-feature-net --force")
        }
        let config: FeatureNetConfig, record: FeatureNetRecord
        do {
            config = try JSONDecoder().decode(FeatureNetConfig.self, from: Data(configJSON.utf8))
            record = try JSONDecoder().decode(FeatureNetRecord.self, from: Data(recordJSON.utf8))
        } catch {
            throw FeatureNetError.notAFeatureNet(path: path, reason: "unreadable metadata (\(error))")
        }
        let net = FeatureNet(config, seed: 0)
        do {
            try net.load(file.tensors.mapValues { NamedTensorData(shape: $0.shape, values: $0.floats) })
        } catch {
            throw FeatureNetError.notAFeatureNet(path: path, reason: "\(error)")
        }
        return FeatureNetFile(net: net, record: record, path: path, hash: try networkHash(net))
    }

    /// The hash of the config (JSON, sorted keys) and of every tensor's name, shape and values, in name order.
    static func networkHash(_ net: FeatureNet) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var h = ContentHash()
        h.add(try encoder.encode(net.config))
        for (name, t) in net.stateDict().sorted(by: { $0.key < $1.key }) {
            h.add(Array(name.utf8))
            h.add(Array(t.shape.map(String.init).joined(separator: "x").utf8))
            h.add(t.values)
        }
        return h.hex
    }

    /// Writes `net` with its record (atomically: a temporary file, then a rename).
    public static func save(_ net: FeatureNet, record: FeatureNetRecord, to path: String) throws -> FeatureNetFile {
        var file = SafetensorsFile()
        for (name, t) in net.stateDict() { file.tensors[name] = SafetensorsTensor(shape: t.shape, floats: t.values) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        file.metadata = ["format": "pt", configKey: String(decoding: try encoder.encode(net.config), as: UTF8.self),
                         recordKey: String(decoding: try encoder.encode(record), as: UTF8.self)]
        try FileSystem.createFolder((path as NSString).deletingLastPathComponent)
        try file.write(to: path)
        return FeatureNetFile(net: net, record: record, path: path, hash: try networkHash(net))
    }

    /// Throws unless the network was built for `channels`×`size`×`size` images.
    public func checkFits(channels: Int, size: Int) throws {
        let c = net.config
        guard c.channels == channels && c.imageSize == size else {
            throw FeatureNetError.wrongImages(path: path, network: "\(c.channels)×\(c.imageSize)×\(c.imageSize)",
                                              data: "\(channels)×\(size)×\(size)")
        }
    }
}
