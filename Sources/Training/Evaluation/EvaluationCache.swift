// Where evaluation keeps what it computes once and reuses: trained feature networks (one per
// dataset) and real-data features (per dataset, split, network and data, keyed by their hashes,
// so a changed file or network can never be served stale features).
import DataIO
import Foundation
import Metrics

/// The evaluation cache folder: `--cache-dir`, else $DDPM_CACHE_DIR, else $XDG_CACHE_HOME/ddpm,
/// else ~/.cache/ddpm.
public struct EvaluationCache: Sendable {
    public let directory: String

    public init(directory: String? = nil) {
        let env = ProcessInfo.processInfo.environment
        if let directory { self.directory = directory }
        else if let d = env["DDPM_CACHE_DIR"], !d.isEmpty { self.directory = d }
        else if let x = env["XDG_CACHE_HOME"], !x.isEmpty { self.directory = x + "/ddpm" }
        else { self.directory = NSHomeDirectory() + "/.cache/ddpm" }
    }

    /// The feature network `--train-feature-net` writes for `dataset` and `evaluate` reads.
    public func featureNetPath(_ dataset: DatasetKind) -> String { "\(directory)/feature-nets/\(dataset.rawValue).safetensors" }

    /// Features of one split of one dataset through one network.
    public func featuresPath(dataset: DatasetKind, split: DatasetSplit, networkHash: String, dataHash: String) -> String {
        "\(directory)/features/\(dataset.rawValue)-\(split.rawValue)-net\(networkHash)-data\(dataHash).safetensors"
    }

    /// Cached features, or nil when absent. A file that exists but cannot be read is an error
    /// naming it (delete it to recompute), never silently recomputed over.
    public func loadFeatures(_ path: String) throws -> ImageFeatures? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let file = try SafetensorsFile.read(from: path)
        guard let f = file.tensors["features"], let p = file.tensors["probabilities"], f.shape.count == 2, p.shape.count == 2,
              f.shape[0] == p.shape[0] else {
            throw DataFileError.mismatched("\(path): not a ddpm feature cache (expected features [N, D] and probabilities [N, K]); delete it to recompute")
        }
        return ImageFeatures(features: FeatureMatrix(count: f.shape[0], dimension: f.shape[1], values: f.floats),
                             probabilities: p.floats, classes: p.shape[1])
    }

    public func saveFeatures(_ features: ImageFeatures, to path: String) throws {
        try FileSystem.createFolder((path as NSString).deletingLastPathComponent)
        var file = SafetensorsFile()
        file.tensors["features"] = SafetensorsTensor(shape: [features.count, features.features.dimension], floats: features.features.values)
        file.tensors["probabilities"] = SafetensorsTensor(shape: [features.count, features.classes], floats: features.probabilities)
        try file.write(to: path)
    }

    /// A hash of an image set's contents (shape, pixel bytes, labels). It reads the stored bytes in
    /// place (the memory-mapped dataset cache for a whole split), never converting them to Float.
    public static func dataHash(_ images: ImageSet) -> String {
        var h = ContentHash()
        h.add(Array("\(images.count)x\(images.channels)x\(images.height)x\(images.width)".utf8))
        images.withBytes { h.add($0) }
        for l in images.labels { h.add([UInt8(truncatingIfNeeded: l)]) }
        return h.hex
    }
}
