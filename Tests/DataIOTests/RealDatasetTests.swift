// Checks against the real datasets when they are installed; skipped (with the reason) otherwise.
import Foundation
import Testing
@testable import DataIO

@Suite struct RealDatasetTests {
    static let fashionDirectory = "/usr/share/datasets/fashion-mnist"
    /// Relative to the package root, where `swift test` runs and scripts/fetch-mnist.sh writes.
    static let mnistDirectory = "data/mnist"

    static func histogram(_ labels: [Int]) -> [Int] {
        labels.reduce(into: [Int](repeating: 0, count: 10)) { $0[$1] += 1 }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashionDirectory + "/train-images-idx3-ubyte.gz"),
                   "needs the Debian package dataset-fashion-mnist"))
    func fashionMNISTHasBalancedClassesAndTheStandardShapes() throws {
        let train = try IDX.loadImageSet(images: Self.fashionDirectory + "/train-images-idx3-ubyte.gz",
                                         labels: Self.fashionDirectory + "/train-labels-idx1-ubyte.gz")
        let test = try IDX.loadImageSet(images: Self.fashionDirectory + "/t10k-images-idx3-ubyte.gz",
                                        labels: Self.fashionDirectory + "/t10k-labels-idx1-ubyte.gz")
        #expect((train.count, train.channels, train.height, train.width) == (60_000, 1, 28, 28))
        #expect((test.count, test.channels, test.height, test.width) == (10_000, 1, 28, 28))
        #expect(Self.histogram(train.labels) == [Int](repeating: 6_000, count: 10))
        #expect(Self.histogram(test.labels) == [Int](repeating: 1_000, count: 10))
        #expect(train.pixels.min() == -1 && train.pixels.max() == 1)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashionDirectory + "/train-images-idx3-ubyte.gz"),
                   "needs the Debian package dataset-fashion-mnist"))
    func fashionMNISTDefaultLocationSplits50kAnd10k() throws {
        let locator = try DatasetLocator(kind: .fashionMNIST, dataDir: nil)
        #expect(try locator.load(.train).count == 50_000)
        #expect(try locator.load(.validation).count == 10_000)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: mnistDirectory + "/train-images-idx3-ubyte.gz"),
                   "needs scripts/fetch-mnist.sh to have written data/mnist"))
    func mnistMatchesThePublishedLabelCounts() throws {
        let locator = try DatasetLocator(kind: .mnist, dataDir: Self.mnistDirectory)
        guard case let .idx(images, labels) = try locator.files(for: .train) else { Issue.record("not IDX"); return }
        let train = try IDX.loadImageSet(images: images, labels: labels)
        let test = try locator.load(.test)
        #expect(train.labels.prefix(10) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
        #expect(Self.histogram(train.labels) == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        #expect(Self.histogram(test.labels) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    }
}
