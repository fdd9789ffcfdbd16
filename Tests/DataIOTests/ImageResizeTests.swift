// Center crop and resize on hand-computed cases, in both layouts and both element types.
import Testing

@testable import DataIO

@Suite struct ImageResizeTests {
    @Test(arguments: [(7, 5, 3, 2), (5, 9, 12, 4), (4, 4, 4, 4), (1, 3, 6, 1)])
    func constantImageStaysConstant(width: Int, height: Int, toWidth: Int, toHeight: Int) {
        for layout in [PixelLayout.hwc, .chw] {
            let bytes = [UInt8](repeating: 201, count: width * height * 3)
            let resizedBytes = ImageResize.resize(bytes, width: width, height: height, channels: 3, layout: layout,
                                                  toWidth: toWidth, toHeight: toHeight)
            #expect(resizedBytes == [UInt8](repeating: 201, count: toWidth * toHeight * 3))

            let floats = [Float](repeating: 0.3, count: width * height * 3)
            let resized = ImageResize.resize(floats, width: width, height: height, channels: 3, layout: layout,
                                             toWidth: toWidth, toHeight: toHeight)
            #expect(resized.count == toWidth * toHeight * 3)
            #expect(resized.allSatisfy { abs($0 - 0.3) <= 1e-6 })
        }
    }

    @Test func shrinking4x4To2x2AveragesEachBlock() {
        // v(y, x) = 4y + x; each output is the mean of its 2x2 block:
        // (0+1+4+5)/4 = 2.5, (2+3+6+7)/4 = 4.5, (8+9+12+13)/4 = 10.5, (10+11+14+15)/4 = 12.5.
        let image = (0..<16).map(Float.init)
        let resized = ImageResize.resize(image, width: 4, height: 4, channels: 1, layout: .chw, toWidth: 2, toHeight: 2)
        #expect(resized == [2.5, 4.5, 10.5, 12.5])
    }

    @Test func shrinkingByANonIntegerRatioUsesFractionalCoverage() {
        // 3 -> 2: output 0 covers source [0, 1.5) = pixel 0 fully, half of pixel 1: (0·1 + 30·0.5) / 1.5 = 10;
        // output 1 covers [1.5, 3): (30·0.5 + 90·1) / 1.5 = 70.
        let resized = ImageResize.resize([Float]([0, 30, 90]), width: 3, height: 1, channels: 1, layout: .hwc, toWidth: 2, toHeight: 1)
        #expect(zip(resized, [Float(10), 70]).allSatisfy { abs($0 - $1) <= 1e-4 }, "\(resized)")
    }

    @Test func enlargingInterpolatesBetweenPixelCenters() {
        // 2 -> 4: source positions (i + 0.5)/2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
        let resized = ImageResize.resize([Float]([0, 100]), width: 2, height: 1, channels: 1, layout: .chw, toWidth: 4, toHeight: 1)
        #expect(resized == [0, 25, 75, 100])
    }

    @Test func hwcAndCHWLayoutsAgree() {
        let (w, h, c) = (5, 3, 3)
        let hwc = (0..<(w * h * c)).map { Float(($0 * 7) % 11) }
        var chw = [Float](repeating: 0, count: hwc.count)
        for y in 0..<h { for x in 0..<w { for ch in 0..<c { chw[(ch * h + y) * w + x] = hwc[(y * w + x) * c + ch] } } }
        let a = ImageResize.resize(hwc, width: w, height: h, channels: c, layout: .hwc, toWidth: 3, toHeight: 4)
        let b = ImageResize.resize(chw, width: w, height: h, channels: c, layout: .chw, toWidth: 3, toHeight: 4)
        for y in 0..<4 { for x in 0..<3 { for ch in 0..<c {
            #expect(abs(a[(y * 3 + x) * c + ch] - b[(ch * 4 + y) * 3 + x]) <= 1e-5)
        } } }
    }

    @Test func centerCropOf6x4KeepsTheMiddle4x4() {
        // Width 6, height 4, value = 10·row + column: the crop keeps columns 1...4.
        let image = (0..<4).flatMap { y in (0..<6).map { x in UInt8(10 * y + x) } }
        let cropped = ImageResize.centerCrop(image, width: 6, height: 4, channels: 1, layout: .hwc)
        #expect(cropped == [1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24, 31, 32, 33, 34])
    }

    @Test func centerCropOfTallRGBInBothLayouts() {
        // Width 2, height 4, 3 channels: the crop keeps rows 1...2.
        let hwc = (0..<(2 * 4 * 3)).map(Float.init)
        let croppedHWC = ImageResize.centerCrop(hwc, width: 2, height: 4, channels: 3, layout: .hwc)
        #expect(croppedHWC == Array(hwc[6..<18]))
        let chw = (0..<(2 * 4 * 3)).map(Float.init)  // planes of 8 values
        let croppedCHW = ImageResize.centerCrop(chw, width: 2, height: 4, channels: 3, layout: .chw)
        #expect(croppedCHW == [2, 3, 4, 5, 10, 11, 12, 13, 18, 19, 20, 21])
    }

    @Test func explicitCropSide() {
        let image = (0..<25).map(UInt8.init)  // 5x5
        #expect(ImageResize.centerCrop(image, width: 5, height: 5, channels: 1, layout: .hwc, side: 3)
                == [6, 7, 8, 11, 12, 13, 16, 17, 18])
    }
}
