// `ddpm sample --class all`'s grid: the tiles unchanged, each row's name drawn left of it.
import DataIO
import Figures
import Testing

@Suite struct LabelledGridTests {
    @Test func rowLabelsSitLeftOfTheirRows() {
        // 4 gray 8×8 images, 2 per row: image k is filled with value k/4 − 0.5.
        let images = (0..<4).flatMap { k in [Float](repeating: Float(k) / 4 - 0.5, count: 64) }
        let plain = PNGImage.grid(images, n: 4, c: 1, h: 8, w: 8, nrow: 2)
        let labelled = PNGImage.grid(images, n: 4, c: 1, h: 8, w: 8, nrow: 2, rowLabels: ["ab", "c"])
        // Label column: the widest label (2 glyphs: 11 px) plus a 2-px margin each side.
        let labelWidth = 15
        #expect(labelled.width == plain.width + labelWidth && labelled.height == plain.height)
        for y in 0..<plain.height {
            #expect(Array(labelled.pixels[(y * labelled.width + labelWidth)..<((y + 1) * labelled.width)])
                    == Array(plain.pixels[(y * plain.width)..<((y + 1) * plain.width)]))
        }
        // Some white text in each row's band of the label column, none in the padding between rows.
        func whiteCount(rows: Range<Int>) -> Int {
            rows.reduce(0) { sum, y in sum + (0..<labelWidth).filter { labelled.pixels[y * labelled.width + $0] == 255 }.count }
        }
        #expect(whiteCount(rows: 2..<10) > 0 && whiteCount(rows: 12..<20) > 0)
        #expect(whiteCount(rows: 0..<2) == 0 && whiteCount(rows: 10..<12) == 0)
        // "ab" has more lit pixels than "c".
        #expect(whiteCount(rows: 2..<10) > whiteCount(rows: 12..<20))
    }
}
