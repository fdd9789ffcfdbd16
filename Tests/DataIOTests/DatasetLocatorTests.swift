import _TestSupport
import Testing
@testable import DataIO

@Suite struct DatasetLocatorTests {
    static let idxNames = "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz"

    @Test func kindsAreSpelledAsOnTheCommandLine() {
        #expect(DatasetKind.allCases.map(\.rawValue) == ["mnist", "fashion-mnist", "cifar10", "folder"])
        #expect(DatasetKind(rawValue: "fashion-mnist") == .fashionMNIST)
    }

    @Test func missingMNISTFilesSayWhatToPutWhere() throws {
        let dir = try ScratchDirectory()
        let locator = try DatasetLocator(kind: .mnist, dataDir: dir.path)
        let error = #expect(throws: DataFileError.self) { try locator.files(for: .train) }
        #expect(error?.description == "--data-dir \(dir.path): no train-images-idx3-ubyte(.gz) or train-labels-idx1-ubyte(.gz) " +
                "found; run scripts/fetch-mnist.sh \(dir.path) or put the four MNIST IDX files (\(Self.idxNames)) there")
    }

    @Test func onlyTheMissingFilesOfTheRequestedSplitAreNamed() throws {
        let dir = try ScratchDirectory()
        try IDX.write(IDXArray(dims: [1, 1, 1], bytes: [0]), to: dir.file("t10k-images-idx3-ubyte.gz"), gzip: true)
        let locator = try DatasetLocator(kind: .fashionMNIST, dataDir: dir.path)
        let error = #expect(throws: DataFileError.self) { try locator.files(for: .test) }
        #expect(error?.description == "--data-dir \(dir.path): no t10k-labels-idx1-ubyte(.gz) found; run " +
                "`apt-get install dataset-fashion-mnist` (installs them in /usr/share/datasets/fashion-mnist) " +
                "or put the four Fashion-MNIST IDX files (\(Self.idxNames)) there")
    }

    @Test func aMissingDirectoryIsNamedAsSuch() throws {
        let locator = try DatasetLocator(kind: .cifar10, dataDir: "/nonexistent/cifar")
        let error = #expect(throws: DataFileError.self) { try locator.files(for: .train) }
        #expect(error?.description == "--data-dir /nonexistent/cifar: directory does not exist; download cifar-10-binary.tar.gz " +
                "from https://www.cs.toronto.edu/~kriz/cifar.html on a connected machine and unpack it so that " +
                "data_batch_1.bin … data_batch_5.bin and test_batch.bin are there (it is not available offline)")
    }

    @Test func missingCIFARBatchesAreListed() throws {
        let dir = try ScratchDirectory()
        for name in ["data_batch_1.bin", "data_batch_2.bin", "data_batch_4.bin"] { try dir.write([], to: name) }
        let locator = try DatasetLocator(kind: .cifar10, dataDir: dir.path)
        let error = #expect(throws: DataFileError.self) { try locator.files(for: .validation) }
        #expect(error?.description.hasPrefix("--data-dir \(dir.path): no data_batch_3.bin, data_batch_5.bin found; download") == true)
    }

    @Test func theDefaultDirectoryIsNamedWithHowToChangeIt() throws {
        let locator = try DatasetLocator(kind: .mnist, dataDir: nil)
        #expect(locator.directory == "data/mnist")
        #expect(locator.location == "data/mnist (default for --dataset mnist; set --data-dir to change)")
        #expect(try DatasetLocator(kind: .fashionMNIST, dataDir: nil).directory == "/usr/share/datasets/fashion-mnist")
        #expect(try DatasetLocator(kind: .cifar10, dataDir: nil).directory == "data/cifar-10-batches-bin")
    }

    @Test func theFolderKindNeedsADataDir() throws {
        let error = #expect(throws: DataFileError.self) { try DatasetLocator(kind: .folder, dataDir: nil) }
        #expect(error?.description == "--dataset folder: needs --data-dir pointing at a directory of images")
        let dir = try ScratchDirectory()
        #expect(try DatasetLocator(kind: .folder, dataDir: dir.path).files(for: .train) == .imageFolder(directory: dir.path))
    }

    @Test func prefersGzipButAcceptsPlainIDX() throws {
        let dir = try ScratchDirectory()
        for name in ["train-images-idx3-ubyte", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte"] {
            try dir.write([], to: name)
        }
        let files = try DatasetLocator(kind: .mnist, dataDir: dir.path).files(for: .train)
        #expect(files == .idx(images: dir.file("train-images-idx3-ubyte.gz"), labels: dir.file("train-labels-idx1-ubyte")))
    }

    /// 10005 one-pixel training images (pixel = label = n mod 10) and 3 test images: the last 10000
    /// training images are the validation split, the first 5 the training split.
    @Test func loadCarvesValidationOffTheEndOfTheTrainingFiles() throws {
        let dir = try ScratchDirectory()
        let trainCount = 10_005
        let bytes = (0..<trainCount).map { UInt8($0 % 10) }
        try IDX.write(IDXArray(dims: [trainCount, 1, 1], bytes: bytes), to: dir.file("train-images-idx3-ubyte.gz"), gzip: true)
        try IDX.write(IDXArray(dims: [trainCount], bytes: bytes), to: dir.file("train-labels-idx1-ubyte.gz"), gzip: true)
        try IDX.write(IDXArray(dims: [3, 1, 1], bytes: [9, 8, 7]), to: dir.file("t10k-images-idx3-ubyte"), gzip: false)
        try IDX.write(IDXArray(dims: [3], bytes: [9, 8, 7]), to: dir.file("t10k-labels-idx1-ubyte"), gzip: false)
        let locator = try DatasetLocator(kind: .mnist, dataDir: dir.path)

        let train = try locator.load(.train)
        let validation = try locator.load(.validation)
        let test = try locator.load(.test)
        #expect(train.labels == [0, 1, 2, 3, 4])
        #expect(validation.count == 10_000 && validation.labels.prefix(3) == [5, 6, 7])
        #expect(test.labels == [9, 8, 7])
    }

    @Test func tooFewTrainingImagesForTheHoldOutIsAnError() throws {
        let dir = try ScratchDirectory()
        try IDX.write(IDXArray(dims: [4, 1, 1], bytes: [0, 1, 2, 3]), to: dir.file("train-images-idx3-ubyte"), gzip: false)
        try IDX.write(IDXArray(dims: [4], bytes: [0, 1, 2, 3]), to: dir.file("train-labels-idx1-ubyte"), gzip: false)
        let error = #expect(throws: DataFileError.self) { try DatasetLocator(kind: .mnist, dataDir: dir.path).load(.train) }
        #expect(error?.description == "--data-dir \(dir.path): the training files hold 4 images, too few to hold out 10000 for validation")
    }
}
