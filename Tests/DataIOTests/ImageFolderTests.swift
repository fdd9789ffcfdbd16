// The PNG-folder dataset: file selection and order, per-image pipeline, channel conversion, and
// errors that name the folder or file.
import Foundation
import Testing

@testable import DataIO

@Suite struct ImageFolderTests {
    /// Writes constant-valued PNGs into `dir`: name -> (width, height, channels, value).
    func populate(_ dir: String, _ files: [String: (Int, Int, Int, UInt8)]) throws {
        for (name, spec) in files {
            let (w, h, c, v) = spec
            try PNGImage(width: w, height: h, channels: c, pixels: [UInt8](repeating: v, count: w * h * c))
                .write(to: dir + "/" + name, overwrite: false)
        }
    }

    @Test func loadsSortedTopLevelPNGsIntoNCHW() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: false)
        try populate(dir, ["b.png": (6, 4, 1, 255), "a.PNG": (5, 5, 3, 0), "sub/c.png": (4, 4, 1, 51)])
        try PNGTestSupport.write(Array("not an image".utf8), to: dir + "/notes.txt")
        try PNGTestSupport.write(Array("not an image".utf8), to: dir + "/.hidden.png")

        let folder = try ImageFolder(directory: dir, imageSize: 3, channels: 3)
        #expect(folder.files == [dir + "/a.PNG", dir + "/b.png"])
        let images = try folder.imageSet().pixels
        #expect(folder.count == 2 && images.count == 2 * 3 * 3 * 3)
        // a: black RGB -> -1; b: white gray replicated to 3 channels -> 1.
        #expect(images[0..<27].allSatisfy { $0 == -1 })
        #expect(images[27..<54].allSatisfy { $0 == 1 })

        let recursive = try ImageFolder(directory: dir, imageSize: 2, channels: 1, recursive: true)
        #expect(recursive.files == [dir + "/a.PNG", dir + "/b.png", dir + "/sub/c.png"])
        #expect(try recursive.imageSet().pixels[8] == Float(51) / 127.5 - 1)
        #expect(try ImageFolder(directory: dir, imageSize: 2, channels: 1, limit: 1).files == [dir + "/a.PNG"])
    }

    @Test func rgbToGrayUsesBT601Luma() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        try PNGImage(width: 1, height: 1, channels: 3, pixels: [200, 100, 50]).write(to: dir + "/x.png", overwrite: false)
        let pixel = try ImageFolder.loadImage(at: dir + "/x.png", imageSize: 1, channels: 1)
        // 0.299·200 + 0.587·100 + 0.114·50 = 124.2 -> 124.2 / 127.5 - 1.
        #expect(pixel.count == 1 && abs(pixel[0] - (124.2 / 127.5 - 1)) <= 1e-5)
    }

    @Test func cropsTheCenterBeforeResizing() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        // 4 wide, 2 high: white left and right columns, black middle. The square crop keeps the
        // middle 2x2 (columns 1...2), so the result is all black.
        let row: [UInt8] = [255, 0, 0, 255]
        try PNGImage(width: 4, height: 2, channels: 1, pixels: row + row).write(to: dir + "/w.png", overwrite: false)
        let image = try ImageFolder.loadImage(at: dir + "/w.png", imageSize: 4, channels: 1)
        #expect(image == [Float](repeating: -1, count: 16))
    }

    @Test func missingEmptyAndFileFoldersAreNamed() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        #expect(throws: ImageFolderError.noPNGFiles(path: dir, recursive: false)) {
            try ImageFolder(directory: dir, imageSize: 8, channels: 1)
        }
        #expect(throws: ImageFolderError.missing(path: dir + "/nope")) {
            try ImageFolder(directory: dir + "/nope", imageSize: 8, channels: 1)
        }
        try PNGTestSupport.write([1], to: dir + "/file")
        #expect(throws: ImageFolderError.notADirectory(path: dir + "/file")) {
            try ImageFolder(directory: dir + "/file", imageSize: 8, channels: 1)
        }
        #expect(ImageFolderError.noPNGFiles(path: "data/celeba", recursive: false).description
                == "image folder data/celeba contains no .png files (searched top level only; subfolders are not searched)")
    }

    @Test func unreadableFileIsNamed() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        try populate(dir, ["a.png": (2, 2, 1, 0)])
        try PNGTestSupport.write(Array("garbage".utf8), to: dir + "/b.png")
        #expect(throws: PNGError.unreadable(path: dir + "/b.png", reason: "not a PNG file (bad signature)")) {
            try ImageFolder(directory: dir, imageSize: 2, channels: 1).imageSet()
        }
    }

    @Test func cropLargerThanImageIsAnError() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        try populate(dir, ["a.png": (5, 3, 1, 0)])
        let error = #expect(throws: ImageFolderError.self) {
            try ImageFolder(directory: dir, imageSize: 2, channels: 1, cropSide: 4).imageSet()
        }
        #expect(error?.description == "\(dir)/a.png is 5x3, smaller than the 4x4 center crop")
    }

    @Test func sourcesFarSmallerThanTheImageSizeAreNamed() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        try populate(dir, ["big.png": (28, 28, 1, 9), "dot.png": (1, 1, 1, 200), "half.png": (14, 14, 1, 3), "tiny.png": (13, 20, 1, 3)])
        let folder = try ImageFolder(directory: dir, imageSize: 28, channels: 1)
        let small = try folder.decodeBytes(0..<folder.count).small
        // Enlarged more than 2x: 1x1 and the 13-pixel side; 14 -> 28 is exactly 2x and passes.
        #expect(small == [.init(file: dir + "/dot.png", width: 1, height: 1), .init(file: dir + "/tiny.png", width: 13, height: 20)])
        #expect(ImageFolder.warning(for: small, imageSize: 28)
                == "\(dir)/dot.png (1x1), \(dir)/tiny.png (13x20): far smaller than --image-size 28, enlarged more than 2x (blurry training images)")
        // The bytes are the rounded resized values, decoded in parallel into file order.
        let bytes = try folder.decodeBytes(0..<folder.count).bytes
        #expect(bytes.count == 4 * 28 * 28)
        #expect(bytes[0] == 9 && bytes[28 * 28] == 200 && bytes[2 * 28 * 28] == 3)
    }
}

@Suite struct LabelledImageFolderTests {
    func write(_ dir: String, _ names: [String], value: UInt8) throws {
        for name in names {
            try PNGImage(width: 2, height: 2, channels: 1, pixels: [UInt8](repeating: value, count: 4)).write(to: dir + "/" + name, overwrite: false)
        }
    }

    @Test func perClassSubfoldersAreLabelsInterleavedByPosition() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        for sub in ["dog", "cat", "dog/puppies", ".hidden", "empty"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        try write(dir, ["cat/a.png", "cat/b.png", "cat/c.png", ".hidden/h.png"], value: 0)
        try write(dir, ["dog/a.png", "dog/puppies/x.png"], value: 255)
        #expect(try ImageFolder.classFolders(in: dir) == ["cat", "dog"])
        let folder = try ImageFolder(directory: dir, imageSize: 2, channels: 1)
        #expect(folder.classNames == ["cat", "dog"])
        // cat files sit at 0, 1/3, 2/3; dog files at 0, 1/2.
        #expect(folder.files == ["cat/a.png", "dog/a.png", "cat/b.png", "dog/puppies/x.png", "cat/c.png"].map { dir + "/" + $0 })
        #expect(folder.labels == [0, 1, 0, 1, 0])
        #expect(try folder.imageSet().pixels[4..<8].allSatisfy { $0 == 1 })  // file 1 is a dog (white)
        #expect(try ImageFolder(directory: dir, imageSize: 2, channels: 1, limit: 2).labels == [0, 1])

        let locator = try DatasetLocator(kind: .folder, dataDir: dir)
        #expect(try locator.classNames().names == ["cat", "dog"])
        #expect(try locator.load(.train, imageSize: 2, channels: 1).labels == [0, 1, 0, 1, 0])
    }

    @Test func topLevelPNGsMakeAFolderUnlabelled() throws {
        let dir = try PNGTestSupport.scratchDirectory()
        defer { PNGTestSupport.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/cat", withIntermediateDirectories: true)
        try write(dir, ["top.png", "cat/a.png"], value: 0)
        #expect(try ImageFolder.classFolders(in: dir) == nil)
        let folder = try ImageFolder(directory: dir, imageSize: 2, channels: 1)
        #expect(folder.files == [dir + "/top.png"] && folder.labels == [0] && folder.classNames.isEmpty)
        let error = #expect(throws: DataFileError.self) { try DatasetLocator(kind: .folder, dataDir: dir).classNames() }
        #expect(error?.description.contains("no per-class subfolders") == true)
        #expect(try DatasetLocator(kind: .fashionMNIST, dataDir: "/nonexistent").classNames().names[7] == "Sneaker")
    }
}
