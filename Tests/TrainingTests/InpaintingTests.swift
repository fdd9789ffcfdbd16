// Inpainting inputs and scores: exact-size PNG loading (gray stored as RGB accepted), the error
// for a wrong size or channel count, the comparison grid's layout, and masked-region MSE / PSNR.
import _TestSupport
import DataIO
import Diffusion
import Foundation
import Testing
@testable import Training

@Suite struct InpaintingTests {
    @Test func exactImagesLoadAndWrongShapesAreNamed() throws {
        let dir = try ScratchDirectory(prefix: "InpaintingTests")
        try PNGImage(width: 2, height: 1, channels: 3, pixels: [0, 0, 0, 255, 255, 255]).write(to: dir.file("grayrgb.png"), overwrite: true)
        let images = try InpaintingImages.files(dir.file("grayrgb.png"), imageShape: [1, 1, 2], resize: false)
        #expect(images.pixels == [-1, 1] && images.names == [dir.file("grayrgb.png")])
        #expect(throws: InpaintingInputError.self) { try InpaintingImages.files(dir.file("grayrgb.png"), imageShape: [1, 2, 2], resize: false) }
        try PNGImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 0, 0, 255]).write(to: dir.file("red.png"), overwrite: true)
        do {
            _ = try InpaintingImages.files(dir.file("red.png"), imageShape: [1, 1, 2], resize: false)
            Issue.record("a colour image was accepted by a gray model")
        } catch let error as InpaintingInputError {
            #expect("\(error)".contains("is 2x1 RGB but the model takes 2x1 gray images"))
        }
        // Models trained on image folders resize like ImageFolder did (center crop, then area average).
        try PNGImage(width: 4, height: 2, channels: 1, pixels: [0, 0, 255, 255, 0, 0, 255, 255]).write(to: dir.file("wide.png"), overwrite: true)
        #expect(try InpaintingImages.files(dir.file("wide.png"), imageShape: [1, 1, 1], resize: true).pixels == [0.0])
    }

    @Test func scoreCountsOnlyGeneratedPixelsOnTheUnitScale() {
        let masks = [InpaintMask(height: 1, width: 2, keep: [1, 0])]
        let inputs = InpaintingInputs(imageShape: [1, 1, 2], images: [0.5, -1], masks: masks, completionsPerInput: 2)
        // Completion 0 misses the generated pixel by 1 (0.5 on [0, 1]): MSE 0.25, PSNR 6.02 dB; completion 1 is exact there.
        let score = InpaintingScore(completions: [9, 0, 0.5, -1], inputs: inputs)
        #expect(score.mse == [0.25, 0])
        #expect(abs(score.psnr[0] - 6.0206) < 1e-3)
        #expect(score.scored == [0, 1])
        let csv = score.csv(names: ["a.png"], completionsPerInput: 2).split(separator: "\n")
        #expect(csv.count == 3 && csv[0] == "input,completion,mse,psnr_db" && csv[1].hasPrefix("\"a.png\",0,0.25,6.02"))
        let s = InpaintingScore.summary([1, 2, 3])
        #expect(s.mean == 2 && s.std == 1 && abs(s.sem - 1 / 3.0.squareRoot()) < 1e-12)
    }
}
