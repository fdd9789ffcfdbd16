// Finds a dataset's files for `--dataset KIND [--data-dir DIR]` and loads a split. When files are
// missing, the error is one line that says which files to put where and how to get them.
import Foundation

/// The files that hold one split of a dataset.
public enum DatasetFiles: Equatable, Sendable {
    /// An IDX image file (N×H×W) and its IDX label file (N).
    case idx(images: String, labels: String)
    /// CIFAR-10 binary batches, read and concatenated in order.
    case cifar10(batches: [String])
    /// A directory of images, read by ImageFolder.
    case imageFolder(directory: String)
}

/// Resolves a dataset kind and an optional `--data-dir` to concrete files.
public struct DatasetLocator: Sendable {
    public let kind: DatasetKind
    public let directory: String
    /// Whether `directory` came from `--data-dir` (true) or from `kind.defaultDirectory` (false).
    public let directoryWasGiven: Bool

    /// Where decoded datasets are cached (nil: decode into memory on every load).
    public let cache: DatasetCache?

    /// Throws when `kind` has no default directory (`folder`) and `dataDir` is nil.
    public init(kind: DatasetKind, dataDir: String?, cache: DatasetCache? = nil) throws {
        guard let directory = dataDir ?? kind.defaultDirectory else {
            throw DataFileError.datasetMissing(location: "--dataset \(kind.rawValue)",
                                               advice: "needs --data-dir pointing at a directory of images")
        }
        self.kind = kind
        self.directory = directory
        self.directoryWasGiven = dataDir != nil
        self.cache = cache
    }

    /// The files for `split`, checking that they exist. `train` and `validation` share the
    /// official training files; `validation` is carved out of them by `load`.
    public func files(for split: DatasetSplit) throws -> DatasetFiles {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw missing("directory does not exist")
        }
        switch kind {
        case .mnist, .fashionMNIST:
            let prefix = split == .test ? "t10k" : "train"
            let stems = ["\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte"]
            let found = stems.map(existingIDX)
            let absent = zip(stems, found).filter { $0.1 == nil }.map { "\($0.0)(.gz)" }
            guard absent.isEmpty else { throw missing("no \(absent.joined(separator: " or ")) found") }
            return .idx(images: found[0]!, labels: found[1]!)
        case .cifar10:
            let names = split == .test ? [CIFAR10.testBatchName] : CIFAR10.trainBatchNames
            let absent = names.filter { !FileManager.default.fileExists(atPath: path($0)) }
            guard absent.isEmpty else { throw missing("no \(absent.joined(separator: ", ")) found") }
            return .cifar10(batches: names.map(path))
        case .folder:
            return .imageFolder(directory: directory)
        }
    }

    /// Loads `split` for the IDX and CIFAR-10 kinds, holding out the last `kind.validationCount`
    /// training images for `.validation` (deterministic, so every run validates on the same images).
    /// A `folder` dataset is cropped and resized to `imageSize` with `channels` channels; its
    /// last tenth is the validation split, and it has no test split.
    public func load(_ split: DatasetSplit, imageSize: Int = 64, channels: Int = 3) throws -> ImageSet {
        if split == .test { return try loadTest(imageSize: imageSize, channels: channels).set }
        let splits = try loadTraining(imageSize: imageSize, channels: channels)
        return split == .train ? splits.train : splits.validation
    }

    /// The training and validation splits, read once and split by view (no copy), and the
    /// warnings met while decoding (source images far smaller than `imageSize`, cache problems).
    /// With a `selection`, only its images are kept: an image folder with a limit or a class
    /// subset decodes only the selected files; otherwise (and for the other kinds) the dataset is
    /// decoded (or mapped from the cache) whole, the one cache every run and command shares, and
    /// then filtered, the first validation images as a view.
    public func loadTraining(imageSize: Int = 64, channels: Int = 3,
                             selection: DataSelection) throws -> (train: ImageSet, validation: ImageSet, warnings: [String]) {
        if selection.keepsEverything { return try loadTraining(imageSize: imageSize, channels: channels) }
        if kind == .folder && (selection.limit != nil || selection.classes != nil) {
            let folder = try ImageFolder(directory: directory, imageSize: imageSize, channels: channels)
            let boundary = folder.count - folder.count / 10   // the last tenth validates, as below
            let train = selection.trainingIndices(labels: Array(folder.labels[..<boundary]))
            let validation = selection.validationIndices(labels: Array(folder.labels[boundary...])).map { $0 + boundary }
            let (set, warnings) = try loadFolder(folder.selecting(train + validation))
            return (set.subset(0..<train.count), set.subset(train.count..<set.count), warnings)
        }
        let (train, validation, warnings) = try loadTraining(imageSize: imageSize, channels: channels)
        let kept = selection.trainingIndices(labels: train.labels), held = selection.validationIndices(labels: validation.labels)
        let heldIsPrefix = held.last.map { $0 == held.count - 1 } ?? true
        return (kept.count == train.count ? train : train.selecting(indices: kept),
                heldIsPrefix ? validation.subset(0..<held.count) : validation.selecting(indices: held), warnings)
    }

    public func loadTraining(imageSize: Int = 64, channels: Int = 3) throws -> (train: ImageSet, validation: ImageSet, warnings: [String]) {
        let (full, warnings) = try loadOfficial(.train, imageSize: imageSize, channels: channels)
        guard let held = kind.validationCount ?? (kind == .folder ? full.count / 10 : nil) else {
            return (full, full.subset(0..<0), warnings)
        }
        // Too few images to hold any out: train on all, and validate on none (not on the training images).
        if held == 0 { return (full, full.subset(0..<0), warnings) }
        guard full.count > held else {
            throw DataFileError.mismatched(
                "\(location): the training files hold \(full.count) images, too few to hold out \(held) for validation")
        }
        let parts = full.splittingValidation(last: held)
        return (parts.train, parts.validation, warnings)
    }

    /// The official test split.
    public func loadTest(imageSize: Int = 64, channels: Int = 3) throws -> (set: ImageSet, warnings: [String]) {
        try loadOfficial(.test, imageSize: imageSize, channels: channels)
    }

    /// The official training (train + validation) or test files, through the cache when there is one.
    private func loadOfficial(_ split: DatasetSplit, imageSize: Int, channels: Int) throws -> (set: ImageSet, warnings: [String]) {
        let part = split == .test ? "test" : "train"
        switch try files(for: split) {
        case let .idx(images, labels):
            let recipe = { try DatasetCache.Recipe(name: "\(kind.rawValue)-\(part)", files: [images, labels], parameters: "idx") }
            return try cached(recipe) { try IDX.loadImageSet(images: images, labels: labels) }
        case let .cifar10(batches):
            let recipe = { try DatasetCache.Recipe(name: "cifar10-\(part)", files: batches, parameters: "cifar10") }
            return try cached(recipe) { try CIFAR10.loadImageSet(batches: batches) }
        case let .imageFolder(directory):
            guard split != .test else {
                throw DataFileError.mismatched("\(location): an image folder has no test split (train and validation only)")
            }
            let folder = try ImageFolder(directory: directory, imageSize: imageSize, channels: channels)
            return try loadFolder(folder)
        }
    }

    /// IDX and CIFAR-10: decoded in memory (they are small), then cached as bytes and mapped.
    private func cached(_ recipe: () throws -> DatasetCache.Recipe, decode: () throws -> ImageSet) throws -> (set: ImageSet, warnings: [String]) {
        guard let cache else { return (try decode(), []) }
        let r = try recipe()
        if let hit = cache.open(r) { return hit }
        let set = try decode()
        do {
            return try cache.build(r, count: set.count, channels: set.channels, height: set.height, width: set.width,
                                   labels: set.labels) { set.bytes(ofImages: $0) }
        } catch let error as FileError {
            return (set, ["dataset cache not written (\(error)); using the decoded data in memory"])
        }
    }

    /// A folder: decoded in chunks straight into the cache file, so the images are never all in memory.
    private func loadFolder(_ folder: ImageFolder) throws -> (set: ImageSet, warnings: [String]) {
        let labels = folder.labels
        guard let cache else {
            let (bytes, small) = try folder.decodeBytes(0..<folder.count)
            return (ImageSet(bytes: bytes, labels: labels, channels: folder.channels, height: folder.imageSize, width: folder.imageSize),
                    ImageFolder.warning(for: small, imageSize: folder.imageSize).map { [$0] } ?? [])
        }
        let s = folder.imageSize, c = folder.channels
        let recipe = try DatasetCache.Recipe(name: "folder-\(s)x\(s)x\(c)", files: folder.files, parameters: "folder \(s) \(c)")
        if let hit = cache.open(recipe) { return hit }
        var small: [ImageFolder.SmallSource] = []
        do {
            return try cache.build(recipe, count: folder.count, channels: c, height: s, width: s, labels: labels,
                                   warnings: { ImageFolder.warning(for: small, imageSize: s).map { [$0] } ?? [] }) { range in
                let decoded = try folder.decodeBytes(range)
                small += decoded.small
                return decoded.bytes
            }
        } catch let error as FileError where error.path.hasPrefix(cache.folder) {
            let (bytes, small) = try folder.decodeBytes(0..<folder.count)
            return (ImageSet(bytes: bytes, labels: labels, channels: c, height: s, width: s),
                    ["dataset cache not written (\(error)); decoded the folder into memory"]
                        + (ImageFolder.warning(for: small, imageSize: s).map { [$0] } ?? []))
        }
    }

    /// The class names of the dataset's labels: built in for MNIST, Fashion-MNIST and CIFAR-10, the
    /// per-class subfolders for a folder. A folder without them has no labels to condition on.
    public func classNames() throws -> ClassNames {
        if let names = ClassNames.builtIn(kind) { return names }
        guard case let .imageFolder(folder) = try files(for: .train), let classes = try ImageFolder.classFolders(in: folder) else {
            throw DataFileError.mismatched("\(location): no per-class subfolders to take labels from; "
                                           + "put each class's PNGs in its own subfolder (\(directory)/CLASS/*.png)")
        }
        return ClassNames(classes)
    }

    // MARK: - Messages

    /// How the directory is named in messages: the flag when the user gave it, else the default and how to change it.
    var location: String {
        directoryWasGiven ? "--data-dir \(directory)" : "\(directory) (default for --dataset \(kind.rawValue); set --data-dir to change)"
    }

    private func missing(_ what: String) -> DataFileError {
        .datasetMissing(location: location, advice: "\(what); \(howToGet)")
    }

    private var howToGet: String {
        let idxNames = "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz"
        switch kind {
        case .mnist:
            let script = directory == DatasetKind.mnist.defaultDirectory ? "scripts/fetch-mnist.sh" : "scripts/fetch-mnist.sh \(directory)"
            return "run \(script) or put the four MNIST IDX files (\(idxNames)) there"
        case .fashionMNIST:
            return "run `apt-get install dataset-fashion-mnist` (installs them in /usr/share/datasets/fashion-mnist) " +
                "or put the four Fashion-MNIST IDX files (\(idxNames)) there"
        case .cifar10:
            return "download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html on a connected machine " +
                "and unpack it so that data_batch_1.bin … data_batch_5.bin and test_batch.bin are there (it is not available offline)"
        case .folder:
            return "point --data-dir at a directory of images"
        }
    }

    // MARK: - Paths

    private func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// `stem.gz` if present, else `stem`, else nil.
    private func existingIDX(_ stem: String) -> String? {
        [path(stem + ".gz"), path(stem)].first { FileManager.default.fileExists(atPath: $0) }
    }
}
