import DataIO
import Foundation

/// The folder a training run writes into:
/// ```
/// RUN/config.yaml               the resolved configuration
/// RUN/metrics.jsonl             one JSON object per log line
/// RUN/loss.png                  training and validation loss curves
/// RUN/checkpoints/step-NNNNNNNN.safetensors   the latest K, plus best.safetensors
/// RUN/samples/step-NNNNNNNN.png preview grids (EMA weights)
/// ```
public struct RunDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var configPath: String { path + "/config.yaml" }
    public var metricsPath: String { path + "/metrics.jsonl" }
    public var lossCurvePath: String { path + "/loss.png" }
    /// Feature-net FID over training (`--evaluate-every`).
    public var fidCurvePath: String { path + "/fid.png" }
    public var checkpointsPath: String { path + "/checkpoints" }
    public var samplesPath: String { path + "/samples" }
    public var bestCheckpointPath: String { checkpointsPath + "/best.safetensors" }

    public func checkpointPath(step: Int) -> String { checkpointsPath + String(format: "/step-%08d.safetensors", step) }
    public func samplePath(step: Int) -> String { samplesPath + String(format: "/step-%08d.png", step) }

    /// Creates the folder for a new run. An existing non-empty folder is an error unless
    /// `force`, which empties it first: a run never silently mixes with or overwrites another.
    public func createForNewRun(force: Bool) throws {
        for item in try checkAvailableForNewRun(force: force) where item != RunLock.fileName { try FileSystem.remove(path + "/" + item) }
        try createSubfolders()
    }

    /// The check `createForNewRun` makes, without creating anything (so a run that fails to start,
    /// e.g. for missing data, leaves no folder behind); returns what `force` would remove.
    /// A folder that holds only what a run killed before its first checkpoint leaves (see
    /// `holdsNoCheckpointYet`) is available without `force`: nothing in it can be resumed.
    /// A folder another process is training in is never available, not even with `force`.
    @discardableResult
    public func checkAvailableForNewRun(force: Bool) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        if RunLock.isHeldByAnotherProcess(self) { throw RunDirectoryError.busy(path) }
        let contents = try listing(path).filter { $0 != RunLock.fileName }
        guard try contents.isEmpty || force || holdsNoCheckpointYet() else { throw RunDirectoryError.exists(path) }
        return contents
    }

    /// True when the folder holds nothing but a run's own files (config.yaml, metrics.jsonl, the
    /// curves, previews, temporaries) and no checkpoint: a run stopped before it saved one. A folder
    /// with anything else, or with any checkpoint (best.safetensors too), is not; nor is a folder
    /// whose run is still going in another process (it holds `RunLock`).
    public func holdsNoCheckpointYet() throws -> Bool {
        if RunLock.isHeldByAnotherProcess(self) { return false }
        let runFiles: Set = ["config.yaml", "metrics.jsonl", "loss.png", "fid.png", "checkpoints", "samples", RunLock.fileName]
        func isTemporary(_ name: String) -> Bool { name.hasPrefix(".") && name.contains(".tmp-") }
        guard FileSystem.kind(of: path).isFolder else { return false }
        let contents = try listing(path)
        guard !contents.isEmpty, contents.allSatisfy({ runFiles.contains($0) || isTemporary($0) }) else { return false }
        for (folder, allowed) in [(checkpointsPath, { (name: String) in isTemporary(name) }),
                                  (samplesPath, { (name: String) in isTemporary(name) || (name.hasPrefix("step-") && name.hasSuffix(".png")) })]
        where FileSystem.kind(of: folder).isFolder {
            guard try listing(folder).allSatisfy(allowed) else { return false }
        }
        return true
    }

    public func createSubfolders() throws {
        for p in [path, checkpointsPath, samplesPath] {
            try FileSystem.createFolder(p)
        }
    }

    /// Step checkpoints present, oldest first. A run without a checkpoints folder has none; one
    /// whose folder cannot be read is an error, not an empty run.
    public func stepCheckpoints() throws -> [(step: Int, path: String)] {
        guard FileManager.default.fileExists(atPath: checkpointsPath) else { return [] }
        return try listing(checkpointsPath).compactMap { name -> (Int, String)? in
            guard name.hasPrefix("step-"), name.hasSuffix(".safetensors"),
                  let step = Int(name.dropFirst(5).dropLast(12)) else { return nil }
            return (step, checkpointsPath + "/" + name)
        }.sorted { $0.0 < $1.0 }
    }

    /// The newest step checkpoint, or nil when the run has none.
    public func latestCheckpoint() throws -> String? { try stepCheckpoints().last?.path }

    /// Deletes all but the newest `keep` step checkpoints (best.safetensors is separate).
    public func prune(keep: Int) throws {
        for old in try stepCheckpoints().dropLast(max(keep, 1)) {
            try FileSystem.remove(old.path)
        }
    }

    /// The names in `folder`; a folder that exists but cannot be listed is an error.
    private func listing(_ folder: String) throws -> [String] {
        try FileSystem.contents(of: folder)
    }
}

public enum RunDirectoryError: Error, CustomStringConvertible {
    case exists(String)
    case unreadable(String, String)
    case noCheckpoint(String)
    case busy(String)

    public var description: String {
        switch self {
        case let .exists(p): "--run-dir \(p) already holds a run; pass --resume \(p) to continue it, --force to replace it, or choose another --run-dir"
        case let .unreadable(p, why): "\(p): cannot be read (\(why))"
        case let .noCheckpoint(p): "--resume \(p): no checkpoints/step-*.safetensors in that run folder"
        case let .busy(p): "\(p): another ddpm process is training in this run folder now; wait for it, stop it, or choose another --run-dir"
        }
    }
}

extension RunDirectory {
    /// Deletes the temporary files a process killed during a checkpoint, preview or loss-curve write
    /// left in the run folder (their writer no longer runs); returns their paths.
    public func removeLeftoverTemporaries() -> [String] {
        [path, checkpointsPath, samplesPath].flatMap { DurableFile.removeLeftoverTemporaries(in: $0) }
    }
}
