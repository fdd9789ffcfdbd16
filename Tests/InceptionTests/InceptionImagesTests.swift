import DataIO
import Inception
import TensorCore
import Testing
import _TestSupport

/// PNG files as the network's input: RGB, v / 127.5 − 1, no crop or resize, one size per batch.
@Suite struct InceptionImagesTests {
    @Test func grayIsRepeatedAndValuesMapToMinusOneOne() throws {
        let scratch = try ScratchDirectory()
        try PNGImage(width: 2, height: 1, channels: 1, pixels: [0, 255]).write(to: scratch.file("a.png"), overwrite: false)
        try PNGImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 51, 102, 153, 204]).write(to: scratch.file("b.png"), overwrite: false)
        let batch = try InceptionImages.load([scratch.file("a.png"), scratch.file("b.png")])
        #expect(batch.shape == [2, 3, 1, 2])
        let expected: [Float] = [-1, 1, -1, 1, -1, 1] + [255, 102, 0, 153, 51, 204].map { Float($0) / 127.5 - 1 }
        #expect(mismatch(batch.scalars, expected, rtol: 0, atol: 1e-7) == nil)
    }

    @Test func imagesOfDifferentSizesAreRefusedByName() throws {
        let scratch = try ScratchDirectory()
        try PNGImage(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3]).write(to: scratch.file("a.png"), overwrite: false)
        try PNGImage(width: 3, height: 1, channels: 1, pixels: [0, 1, 2]).write(to: scratch.file("b.png"), overwrite: false)
        #expect {
            try InceptionImages.load([scratch.file("a.png"), scratch.file("b.png")])
        } throws: { error in
            "\(error)".contains("b.png is 3x1 but") && "\(error)".contains("a.png is 2x2")
        }
    }
}
