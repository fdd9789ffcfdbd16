import TensorCore

/// The known images and masks of an inpainting run, looked up per batch by image index.
///
/// The seeded sequence holds K completions per input: image k is completion k % K of input
/// k / K, so every completion has its own random stream and a batch may hold parts of several
/// inputs. Shapes: `images` `[N, C, H, W]` in [-1, 1], masks `[N, H, W]` (1 keep, 0 generate).
public struct InpaintingInputs: Sendable {
    /// `[C, H, W]`.
    public let imageShape: [Int]
    public let count: Int
    public let completionsPerInput: Int
    public let images: [Float]
    public let masks: [InpaintMask]

    public init(imageShape: [Int], images: [Float], masks: [InpaintMask], completionsPerInput: Int) {
        let per = imageShape.reduce(1, *)
        shapeCheck(imageShape.count == 3 && per > 0 && images.count % per == 0,
                   "InpaintingInputs: \(images.count) values are not whole images of shape \(imageShape)")
        let n = images.count / per
        shapeCheck(masks.count == n && masks.allSatisfy { $0.height == imageShape[1] && $0.width == imageShape[2] },
                   "InpaintingInputs: need \(n) masks of \(imageShape[1])×\(imageShape[2])")
        shapeCheck(completionsPerInput >= 1, "InpaintingInputs: completions per input must be ≥ 1")
        self.imageShape = imageShape
        self.count = n
        self.completionsPerInput = completionsPerInput
        self.images = images
        self.masks = masks
    }

    /// Images in the seeded sequence: inputs × completions.
    public var sequenceLength: Int { count * completionsPerInput }

    /// The input that image k of the seeded sequence completes.
    public func input(ofImage k: Int) -> Int { k / completionsPerInput }

    /// x_0 `[B, C, H, W]` and the mask `[B, 1, H, W]` for images `range` of the seeded sequence.
    public func batch(_ range: Range<Int>) -> (x0: Tensor, mask: Tensor) {
        let per = imageShape.reduce(1, *), plane = imageShape[1] * imageShape[2]
        var x0: [Float] = [], mask: [Float] = []
        x0.reserveCapacity(range.count * per)
        mask.reserveCapacity(range.count * plane)
        for k in range {
            let i = input(ofImage: k)
            x0 += images[(i * per)..<((i + 1) * per)]
            mask += masks[i].keep
        }
        return (Tensor(shape: [range.count] + imageShape, values: x0),
                Tensor(shape: [range.count, 1, imageShape[1], imageShape[2]], values: mask))
    }
}
