// Mask shapes drawn as 0/1 pictures (1 keep, 0 generate), their parameters and seeded draws.

import Testing
@testable import Diffusion

@Suite struct InpaintMaskTests {
    static func picture(_ kind: MaskKind, _ h: Int, _ w: Int, size: Int? = nil) -> [String] {
        let m = MaskSpec(kind: kind, size: size).mask(height: h, width: w, input: 0, seed: 0)
        return (0..<h).map { y in String((0..<w).map { m.keep[y * w + $0] == 1 ? "#" : "." }) }
    }

    @Test func halvesGenerateTheNamedHalf() {
        #expect(Self.picture(.upperHalf, 4, 3) == ["...", "...", "###", "###"])
        #expect(Self.picture(.lowerHalf, 4, 3) == ["###", "###", "...", "..."])
        #expect(Self.picture(.leftHalf, 2, 4) == ["..##", "..##"])
        #expect(Self.picture(.rightHalf, 2, 4) == ["##..", "##.."])
        // Odd sizes: the named half is the smaller one (⌊H/2⌋ rows).
        #expect(Self.picture(.upperHalf, 5, 1) == [".", ".", "#", "#", "#"])
        #expect(Self.picture(.lowerHalf, 5, 1) == ["#", "#", "#", ".", "."])
    }

    @Test func centerSquareAndLines() {
        #expect(Self.picture(.center, 6, 6, size: 2) == ["######", "######", "##..##", "##..##", "######", "######"])
        #expect(Self.picture(.center, 4, 4) == ["####", "#..#", "#..#", "####"], "default side: half the image")
        #expect(Self.picture(.everyOtherLine, 4, 2) == ["##", "..", "##", ".."])
    }

    @Test func randomPixelsKeepsExactlyTheFraction() {
        let spec = MaskSpec(kind: .randomPixels, keepFraction: 0.25)
        let a = spec.mask(height: 8, width: 8, input: 0, seed: 1)
        #expect(a.keptCount == 16)
        #expect(a == spec.mask(height: 8, width: 8, input: 0, seed: 1), "same seed and input, same mask")
        #expect(a != spec.mask(height: 8, width: 8, input: 1, seed: 1), "each input draws its own mask")
        #expect(a != spec.mask(height: 8, width: 8, input: 0, seed: 2))
        #expect(MaskSpec(kind: .randomPixels, keepFraction: 0).mask(height: 3, width: 3, input: 0, seed: 0).generatesEverything)
        #expect(MaskSpec(kind: .randomPixels, keepFraction: 1).mask(height: 3, width: 3, input: 0, seed: 0).keepsEverything)
    }

    @Test func randomBoxIsOneRectangleOfBoundedSize() {
        var shapes = Set<[Int]>()
        for input in 0..<40 {
            let m = MaskSpec(kind: .randomBox).mask(height: 16, width: 12, input: input, seed: 7)
            let holes = m.keep.indices.filter { m.keep[$0] == 0 }
            let ys = holes.map { $0 / 12 }, xs = holes.map { $0 % 12 }
            let h = ys.max()! - ys.min()! + 1, w = xs.max()! - xs.min()! + 1
            #expect(holes.count == h * w, "a filled rectangle")
            #expect((4...8).contains(h) && (3...6).contains(w), "sides in [side/4, side/2]")
            shapes.insert([ys.min()!, xs.min()!, h, w])
        }
        #expect(shapes.count > 10, "boxes vary between inputs")
    }

    @Test func invertSwapsKeepAndGenerate() {
        let m = MaskSpec(kind: .upperHalf, inverted: true).mask(height: 2, width: 1, input: 0, seed: 0)
        #expect(m.keep == [1, 0])
        #expect(m.inverted().inverted() == m)
    }

    @Test func problemsNameTheFlag() {
        #expect(MaskSpec(kind: .center, size: 9).problem(height: 8, width: 8)?.hasPrefix("--mask-size 9") == true)
        #expect(MaskSpec(kind: .center, size: 0).problem(height: 8, width: 8) != nil)
        #expect(MaskSpec(kind: .randomPixels, keepFraction: 1.5).problem(height: 8, width: 8)?.hasPrefix("--keep") == true)
        #expect(MaskSpec(kind: .center, size: 8).problem(height: 8, width: 8) == nil)
    }
}
