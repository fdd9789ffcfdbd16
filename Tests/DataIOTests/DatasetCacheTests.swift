// The byte cache every dataset trains from: built once, memory-mapped, keyed by the source files,
// never left half-written, and giving exactly the images a direct decode gives.
import Foundation
import _TestSupport
import Testing

@testable import DataIO

@Suite struct DatasetCacheTests {
    /// An MNIST-style folder of `count` + 10000 images of 2×2 (the mnist kind holds out 10000).
    static func writeIDX(in dir: ScratchDirectory, count: Int = 6) throws {
        let n = count + 10_000
        let pixels = (0..<(n * 4)).map { UInt8(($0 * 37) % 256) }
        try IDX.write(IDXArray(dims: [n, 2, 2], bytes: pixels), to: dir.file("train-images-idx3-ubyte.gz"), gzip: true)
        try IDX.write(IDXArray(dims: [n], bytes: (0..<n).map { UInt8($0 % 10) }), to: dir.file("train-labels-idx1-ubyte.gz"), gzip: true)
    }

    @Test func idxThroughTheCacheIsBitwiseTheDirectDecodeAndIsReused() throws {
        let data = try ScratchDirectory(), cacheDir = try ScratchDirectory()
        try Self.writeIDX(in: data)
        let direct = try DatasetLocator(kind: .mnist, dataDir: data.path).loadTraining()
        let locator = try DatasetLocator(kind: .mnist, dataDir: data.path, cache: DatasetCache(folder: cacheDir.path))
        let first = try locator.loadTraining()
        let cacheFiles = try FileManager.default.contentsOfDirectory(atPath: cacheDir.path)
        #expect(cacheFiles.count == 1 && cacheFiles[0].hasPrefix("mnist-train-") && cacheFiles[0].hasSuffix(".u8"))
        let second = try locator.loadTraining()
        for loaded in [first, second] {
            #expect(loaded.train.storage.isMapped && loaded.validation.storage === loaded.train.storage, "one mapped file, split by view")
            #expect(loaded.train.labels == direct.train.labels && loaded.validation.labels == direct.validation.labels)
            #expect(loaded.train.pixels == direct.train.pixels)
            let indices = [5, 0, 3], flips = [true, false, true]
            #expect(loaded.validation.gather(indices: indices, flips: flips) == direct.validation.gather(indices: indices, flips: flips))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cacheDir.path) == cacheFiles, "the second load reused the file")
    }

    @Test func aChangedSourceGetsANewCacheFile() throws {
        let data = try ScratchDirectory(), cacheDir = try ScratchDirectory()
        try Self.writeIDX(in: data)
        let locator = try DatasetLocator(kind: .mnist, dataDir: data.path, cache: DatasetCache(folder: cacheDir.path))
        _ = try locator.loadTraining()
        try Self.writeIDX(in: data, count: 8)  // replaced: new size and modification time
        let reloaded = try locator.loadTraining()
        #expect(reloaded.train.count == 8)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cacheDir.path).count == 2)
    }

    @Test func aFolderIsDecodedOnceWithItsWarningsKept() throws {
        let data = try ScratchDirectory(), cacheDir = try ScratchDirectory()
        for (k, side) in [8, 8, 1, 8, 8, 8, 8, 8, 8, 8, 8].enumerated() {
            try PNGImage(width: side, height: side, channels: 3, pixels: (0..<(side * side * 3)).map { UInt8(($0 * 11 + k * 29) % 256) })
                .write(to: data.file(String(format: "%02d.png", k)), overwrite: false)
        }
        let cached = try DatasetLocator(kind: .folder, dataDir: data.path, cache: DatasetCache(folder: cacheDir.path))
        let direct = try DatasetLocator(kind: .folder, dataDir: data.path).loadTraining(imageSize: 8, channels: 3)
        let first = try cached.loadTraining(imageSize: 8, channels: 3)
        let second = try cached.loadTraining(imageSize: 8, channels: 3)
        #expect(first.train.count == 10 && first.validation.count == 1)
        #expect(first.train.pixels == direct.train.pixels && second.validation.pixels == direct.validation.pixels)
        #expect(first.warnings == direct.warnings && second.warnings == direct.warnings)
        #expect(second.warnings.count == 1 && second.warnings[0].contains("02.png (1x1)"))
    }

    /// Only --limit and --classes-subset select a folder's files before decoding: a run that only
    /// reads fewer validation images (any --validation-images) shares the whole-folder cache with
    /// every other command, and gets its validation images as a view of it.
    @Test func aValidationCountAloneUsesTheWholeFolderCache() throws {
        let data = try ScratchDirectory(), cacheDir = try ScratchDirectory()
        for k in 0..<20 {
            try PNGImage(width: 4, height: 4, channels: 1, pixels: [UInt8](repeating: UInt8(k * 10), count: 16))
                .write(to: data.file(String(format: "%02d.png", k)), overwrite: false)
        }
        let locator = try DatasetLocator(kind: .folder, dataDir: data.path, cache: DatasetCache(folder: cacheDir.path))
        let whole = try locator.loadTraining(imageSize: 4, channels: 1)
        #expect(whole.train.count == 18 && whole.validation.count == 2)
        for validationImages in [1, 2, 5] {
            let run = try locator.loadTraining(imageSize: 4, channels: 1, selection: DataSelection(validationLimit: validationImages))
            #expect(run.train.count == 18 && run.validation.count == min(validationImages, 2))
            #expect(run.train.pixels == whole.train.pixels)
            #expect(run.validation.bytes(ofImage: 0)[0] == 180)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cacheDir.path).count == 1, "one whole-folder cache")
        // A limit still decodes only its files, into a cache of its own.
        let limited = try locator.loadTraining(imageSize: 4, channels: 1, selection: DataSelection(limit: 3, validationLimit: 1))
        #expect(limited.train.count == 3 && limited.validation.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cacheDir.path).count == 2)
    }

    @Test func aFailedBuildLeavesNothingThatLooksComplete() throws {
        let cacheDir = try ScratchDirectory()
        let cache = DatasetCache(folder: cacheDir.path)
        let recipe = try DatasetCache.Recipe(name: "broken", files: [], parameters: "test")
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try cache.build(recipe, count: 4, channels: 1, height: 1, width: 1, labels: [0, 0, 0, 0], chunk: 2) { range in
                if range.lowerBound > 0 { throw Interrupted() }
                return [1, 2]
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cacheDir.path).isEmpty)
        #expect(cache.open(recipe) == nil)
    }

    @Test func aTruncatedCacheIsRebuilt() throws {
        let cacheDir = try ScratchDirectory()
        let cache = DatasetCache(folder: cacheDir.path)
        let recipe = try DatasetCache.Recipe(name: "t", files: [], parameters: "test")
        _ = try cache.build(recipe, count: 2, channels: 1, height: 1, width: 2, labels: [3, 4]) { _ in [0, 255, 128, 7] }
        let path = cache.path(for: recipe)
        #expect(cache.open(recipe)?.set.labels == [3, 4])
        #expect(cache.open(recipe)?.set.bytes(ofImages: 0..<2) == [0, 255, 128, 7])
        let whole = try DurableFile.read(path)
        try DurableFile.write(Array(whole.dropLast(3)), to: path)
        #expect(cache.open(recipe) == nil, "a torn file is not used")
    }
}
