// --limit and --classes-subset: a seeded random subset, class filters, and an image folder that
// decodes only the files it keeps (the others are corrupt here, so decoding one would throw).
import Foundation
import Testing
import TensorCore
@testable import DataIO

@Suite struct DataSelectionTests {
    @Test func limitIsASeededRandomSubsetInDatasetOrder() {
        let labels = (0..<100).map { $0 % 4 }
        let a = DataSelection(limit: 10, generator: RandomGenerator(seed: 1, stream: 5)).trainingIndices(labels: labels)
        let again = DataSelection(limit: 10, generator: RandomGenerator(seed: 1, stream: 5)).trainingIndices(labels: labels)
        let other = DataSelection(limit: 10, generator: RandomGenerator(seed: 2, stream: 5)).trainingIndices(labels: labels)
        #expect(a.count == 10 && a == again && a != other)
        #expect(a == a.sorted() && Set(a).count == 10)
        #expect(a != Array(0..<10), "a random subset, not the first ten")
        #expect(DataSelection(limit: 500).trainingIndices(labels: labels) == Array(0..<100))
    }

    /// A config from before `limitSampling` meant the first N (after the class filter, in order).
    @Test func firstSamplingKeepsTheFirstN() {
        let labels = (0..<100).map { $0 % 4 }
        #expect(DataSelection(limit: 10, limitSampling: .first, generator: RandomGenerator(seed: 1)).trainingIndices(labels: labels)
                == Array(0..<10))
        #expect(DataSelection(classes: [2], limit: 3, limitSampling: .first).trainingIndices(labels: labels) == [2, 6, 10])
    }

    @Test func classFilterAppliesToBothSplitsBeforeTheLimit() {
        let labels = (0..<40).map { $0 % 4 }
        let s = DataSelection(classes: [1, 3], limit: 5, generator: RandomGenerator(seed: 3), validationLimit: 4)
        let train = s.trainingIndices(labels: labels)
        #expect(train.count == 5 && train.allSatisfy { [1, 3].contains(labels[$0]) })
        #expect(s.validationIndices(labels: labels) == [1, 3, 5, 7])
    }

    @Test func folderDecodesOnlyTheKeptFiles() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        // 40 files: the last 4 validate, the first 36 train. Keep 5 random training files and the
        // first 2 validation files; every other file is garbage.
        let names = (0..<40).map { String(format: "%02d.png", $0) }
        let selection = DataSelection(limit: 5, generator: RandomGenerator(seed: 9), validationLimit: 2)
        let kept = Set(selection.trainingIndices(labels: [Int](repeating: 0, count: 36)) + [36, 37])
        for (i, name) in names.enumerated() {
            if kept.contains(i) {
                try PNGImage(width: 4, height: 4, channels: 1, pixels: [UInt8](repeating: UInt8(i * 5), count: 16))
                    .write(to: dir + "/" + name, overwrite: false)
            } else {
                try PNGTestSupport.write(Array("not a png".utf8), to: dir + "/" + name)
            }
        }
        let locator = try DatasetLocator(kind: .folder, dataDir: dir)
        let (train, validation, _) = try locator.loadTraining(imageSize: 4, channels: 1, selection: selection)
        #expect(train.count == 5 && validation.count == 2)
        let firstPixels = (0..<train.count).map { train.bytes(ofImage: $0)[0] }
        #expect(firstPixels == kept.sorted().prefix(5).map { UInt8($0 * 5) })
        #expect(validation.bytes(ofImage: 1)[0] == UInt8(37 * 5))
        // Without a selection every file is decoded, and the garbage is found.
        #expect(throws: PNGError.self) { try locator.loadTraining(imageSize: 4, channels: 1) }
    }

    @Test func classesOfALabelledFolderAreSelectedByLabel() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        for (label, name) in ["ant", "bee", "cat"].enumerated() {
            try FileManager.default.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: false)
            for k in 0..<10 {
                try PNGImage(width: 2, height: 2, channels: 1, pixels: [UInt8](repeating: UInt8(label * 100), count: 4))
                    .write(to: "\(dir)/\(name)/\(k).png", overwrite: false)
            }
        }
        let locator = try DatasetLocator(kind: .folder, dataDir: dir)
        let (train, validation, _) = try locator.loadTraining(imageSize: 2, channels: 1, selection: DataSelection(classes: [0, 2]))
        #expect(train.labels.count == 18 && Set(train.labels) == [0, 2])
        #expect(Set(validation.labels) == [0, 2])
        #expect((0..<train.count).allSatisfy { train.bytes(ofImage: $0)[0] == UInt8(train.labels[$0] * 100) })
    }

    @Test func idxStyleSetsAreFilteredAfterLoading() {
        let set = ImageSet(bytes: (0..<6).map { UInt8($0) }, labels: [0, 1, 2, 0, 1, 2], channels: 1, height: 1, width: 1)
        let picked = set.selecting(indices: [4, 1])
        #expect(picked.labels == [1, 1] && picked.bytes(ofImages: 0..<2) == [4, 1])
    }

    @Test func colourCensusReadsOnlyHeaders() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        try PNGImage(width: 2, height: 2, channels: 1, pixels: [UInt8](repeating: 1, count: 4)).write(to: dir + "/g.png", overwrite: false)
        try PNGImage(width: 2, height: 2, channels: 3, pixels: [UInt8](repeating: 1, count: 12)).write(to: dir + "/c.png", overwrite: false)
        let census = try ImageFolder(directory: dir, imageSize: 2, channels: 1).colourCensus()
        #expect(census.gray == [dir + "/g.png"] && census.colour == [dir + "/c.png"])
        // Palette and RGBA headers count as colour, gray + alpha as gray.
        for (type, expected) in [(UInt8(3), 3), (6, 3), (4, 1), (0, 1), (2, 3)] {
            var head: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
            head += [0, 0, 0, 1, 0, 0, 0, 1, 8, type]
            try PNGTestSupport.write(head, to: dir + "/h\(type).png")
            #expect(try PNGImage.channels(ofFileAt: dir + "/h\(type).png") == expected)
        }
        try PNGTestSupport.write(Array("plain text, long enough to fill a header".utf8), to: dir + "/t.png")
        #expect(throws: PNGError.self) { try PNGImage.channels(ofFileAt: dir + "/t.png") }
    }

    @Test func folderWhoseSubfoldersHoldNoPNGsSaysSo() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        for name in ["cats", "dogs"] { try FileManager.default.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: false) }
        let error = #expect(throws: ImageFolderError.self) { try ImageFolder(directory: dir, imageSize: 2, channels: 1) }
        #expect(error == .noPNGFilesInSubfolders(path: dir, subfolders: ["cats", "dogs"]))
        #expect(error?.description.contains("neither at the top level nor in its subfolders (cats, dogs") == true)
        // A folder with no subfolders keeps the top-level message.
        let empty = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(empty) }
        #expect(throws: ImageFolderError.noPNGFiles(path: empty, recursive: false)) { try ImageFolder(directory: empty, imageSize: 2, channels: 1) }
    }
}
