// Grids of [-1, 1] float images: the value mapping, tile placement and padding (make_grid layout),
// and the rows x cols trajectory layout.
import Testing

@testable import DataIO

@Suite struct ImageGridTests {
    @Test func valueMappingRoundsAndClips() {
        let cases: [(Float, UInt8)] = [(-1, 0), (0, 128), (1, 255), (-3, 0), (2, 255), (.infinity, 255),
                                       (-.infinity, 0), (.nan, 0), (0.5, 191)]  // 0.75 * 255 = 191.25
        for (x, expected) in cases {
            #expect(PNGImage.byte(fromUnit: x) == expected, "x = \(x)")
        }
    }

    /// Tile k of an n = 5, nrow = 2 gray grid of 3x2 images is the constant value `values[k]`.
    @Test func tilesAndPaddingFollowMakeGridLayout() {
        let (n, h, w, padding) = (5, 3, 2, 2)
        let values: [Float] = [-1, -0.5, 0, 0.5, 1]
        let bytes = values.map(PNGImage.byte(fromUnit:))
        let nchw = values.flatMap { [Float](repeating: $0, count: h * w) }
        let grid = PNGImage.grid(nchw, n: n, c: 1, h: h, w: w, nrow: 2, padding: padding, padValue: 1)

        // 2 columns, ceil(5 / 2) = 3 rows: width 2·(2+2)+2 = 10, height 3·(3+2)+2 = 17.
        #expect(grid.width == 10 && grid.height == 17 && grid.channels == 1)
        var expected = [UInt8](repeating: 255, count: 10 * 17)  // pad value 1 -> 255
        for k in 0..<n {
            let top = (k / 2) * (h + padding) + padding, left = (k % 2) * (w + padding) + padding
            for y in top..<(top + h) {
                for x in left..<(left + w) { expected[y * 10 + x] = bytes[k] }
            }
        }
        #expect(grid.pixels == expected)
        // Spot checks that do not reuse the formula: tile 0 starts at (2, 2), tile 3 at (6, 7),
        // and the unused 6th cell (rows 12...14, columns 6...7) is padding.
        #expect(grid.pixels[2 * 10 + 2] == 0)
        #expect(grid.pixels[1 * 10 + 2] == 255 && grid.pixels[2 * 10 + 1] == 255)
        #expect(grid.pixels[7 * 10 + 6] == bytes[3] && grid.pixels[9 * 10 + 7] == bytes[3])
        #expect(grid.pixels[12 * 10 + 6] == 255 && grid.pixels[14 * 10 + 7] == 255)
        #expect(grid.pixels[12 * 10 + 2] == bytes[4])
    }

    @Test func nrowLargerThanCountGivesOneRow() {
        let grid = PNGImage.grid([Float](repeating: 0, count: 3 * 4), n: 3, c: 1, h: 2, w: 2, nrow: 8)
        #expect(grid.width == 3 * 4 + 2 && grid.height == 4 + 2)
    }

    @Test func rgbPlanesAreInterleaved() {
        // One 1x2 RGB image: R plane [-1, 1], G plane [0, 0], B plane [1, -1].
        let image = PNGImage(chw: [-1, 1, 0, 0, 1, -1], channels: 3, height: 1, width: 2)
        #expect(image.width == 2 && image.height == 1 && image.channels == 3)
        #expect(image.pixels == [0, 128, 255, 255, 128, 0])
    }

    @Test func trajectoryMatrixPlacesSampleRowsAndTimestepColumns() {
        // 2 samples x 3 timesteps of 1x1 gray images, sample-major: value = sample·3 + timestep.
        let values: [Float] = (0..<6).map { Float($0) / 5 * 2 - 1 }
        let grid = PNGImage.grid(values, n: 6, c: 1, h: 1, w: 1, rows: 2, cols: 3, padding: 1)
        #expect(grid.width == 3 * 2 + 1 && grid.height == 2 * 2 + 1)
        for sample in 0..<2 {
            for t in 0..<3 {
                let pixel = grid.pixels[(1 + sample * 2) * grid.width + 1 + t * 2]
                #expect(pixel == PNGImage.byte(fromUnit: values[sample * 3 + t]), "sample \(sample), t \(t)")
            }
        }
    }
}
