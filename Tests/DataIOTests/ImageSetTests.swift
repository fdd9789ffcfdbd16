import Testing
@testable import DataIO

@Suite struct ImageSetTests {
    /// `count` images of C×H×W whose byte at (n, c, y, x) is (n·100 + c·10 + y·W + x) mod 256.
    static func numbered(count: Int, channels: Int, height: Int, width: Int) -> ImageSet {
        var bytes: [UInt8] = []
        for n in 0..<count {
            for c in 0..<channels {
                for y in 0..<height {
                    for x in 0..<width { bytes.append(UInt8((n * 100 + c * 10 + y * width + x) % 256)) }
                }
            }
        }
        return ImageSet(bytes: bytes, labels: (0..<count).map { $0 % 10 }, channels: channels, height: height, width: width)
    }

    @Test func scalesBytesToMinusOneOne() {
        let set = ImageSet(bytes: [0, 255, 127, 128], labels: [0], channels: 1, height: 2, width: 2)
        #expect(set.pixels == [-1, 1, Float(127) / 127.5 - 1, Float(128) / 127.5 - 1])
        #expect(set.pixels[2] < 0 && set.pixels[3] > 0, "127 and 128 straddle zero")
    }

    @Test func subsetKeepsPixelsAndLabelsTogether() {
        let set = Self.numbered(count: 4, channels: 2, height: 1, width: 3)
        let middle = set.subset(1..<3)
        #expect(middle.count == 2)
        #expect(middle.labels == [1, 2])
        #expect(middle.pixels == Array(set.pixels[6..<18]))
    }

    @Test func validationIsTheLastImagesAndIsDeterministic() {
        let set = Self.numbered(count: 12, channels: 1, height: 1, width: 2)
        let (train, validation) = set.splittingValidation(last: 2)
        #expect((train.count, validation.count) == (10, 2))
        #expect(validation.labels == [0, 1], "images 10 and 11")
        #expect(validation.pixels == Array(set.pixels[20..<24]))
        #expect(train.pixels == Array(set.pixels[0..<20]))
        let again = set.splittingValidation(last: 2)
        #expect(again.train.pixels == train.pixels && again.validation.pixels == validation.pixels)
    }

    @Test func gatherCopiesImagesInIndexOrder() {
        let set = Self.numbered(count: 3, channels: 1, height: 2, width: 2)
        let batch = set.gather(indices: [2, 0, 2])
        let image = { (n: Int) in Array(set.pixels[(n * 4)..<(n * 4 + 4)]) }
        #expect(batch == image(2) + image(0) + image(2))
        #expect(set.gatherLabels(indices: [2, 0]) == [2, 0])
    }

    @Test func flipMirrorsEveryRowOfEveryChannelOfFlaggedImagesOnly() {
        let set = Self.numbered(count: 2, channels: 2, height: 2, width: 3)
        let batch = set.gather(indices: [0, 1], flips: [true, false])
        // Image 0, channel 1, row 1 is bytes 13 14 15; mirrored it reads 15 14 13.
        let row = Array(batch[(1 * 6 + 1 * 3)..<(1 * 6 + 1 * 3 + 3)])
        #expect(row == [15, 14, 13].map { Float($0) / 127.5 - 1 })
        #expect(Array(batch[12..<24]) == Array(set.pixels[12..<24]), "image 1 is not flagged")
        // Flipping twice restores the image.
        let flippedBytes = batch.map { UInt8((($0 + 1) * 127.5).rounded()) }
        let flippedSet = ImageSet(bytes: flippedBytes, labels: set.labels, channels: 2, height: 2, width: 3)
        #expect(flippedSet.gather(indices: [0, 1], flips: [true, false]) == set.pixels)
    }

    @Test func selectingClassesKeepsOrder() {
        let set = Self.numbered(count: 12, channels: 1, height: 1, width: 1)
        let picked = set.selectingClasses([1, 3])
        #expect(picked.labels == [1, 3, 1])
        #expect(picked.pixels == [1, 3, 11].map { set.pixels[$0] })
    }

    @Test func subsetsAreViewsOfTheSameBytes() {
        let set = Self.numbered(count: 5, channels: 1, height: 1, width: 2)
        let (train, validation) = set.splittingValidation(last: 2)
        #expect(train.storage === set.storage && validation.storage === set.storage)
        #expect(validation.bytes(ofImages: 0..<2) == set.bytes(ofImages: 3..<5))
        #expect(validation.gather(indices: [1, 0]) == set.gather(indices: [4, 3]))
    }
}
