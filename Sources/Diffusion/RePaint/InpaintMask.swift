import TensorCore

// Which pixels inpainting keeps and which it generates. A mask is one H×W plane shared by every
// channel: 1 = keep (the "known" region, copied from the input), 0 = generate. This is the
// convention of RePaint's `gt_keep_mask` and of diffusers' `RePaintScheduler` (`mask * known`).

/// One keep/generate plane, `[H, W]`, 1 = keep, 0 = generate.
public struct InpaintMask: Equatable, Sendable {
    public let height: Int
    public let width: Int
    /// H·W values, each exactly 0 or 1, row-major.
    public let keep: [Float]

    public init(height: Int, width: Int, keep: [Float]) {
        shapeCheck(height >= 1 && width >= 1 && keep.count == height * width,
                   "InpaintMask: \(keep.count) values for \(height)×\(width)")
        shapeCheck(keep.allSatisfy { $0 == 0 || $0 == 1 }, "InpaintMask: values must be 0 (generate) or 1 (keep)")
        self.height = height
        self.width = width
        self.keep = keep
    }

    /// A mask from a predicate on (row, column): true keeps the pixel.
    public init(height: Int, width: Int, keeps: (_ y: Int, _ x: Int) -> Bool) {
        var values = [Float](repeating: 0, count: height * width)
        for y in 0..<height { for x in 0..<width where keeps(y, x) { values[y * width + x] = 1 } }
        self.init(height: height, width: width, keep: values)
    }

    public var keptCount: Int { keep.reduce(0) { $0 + Int($1) } }
    /// Nothing to generate.
    public var keepsEverything: Bool { keptCount == keep.count }
    /// Nothing known: inpainting is plain sampling.
    public var generatesEverything: Bool { keptCount == 0 }

    /// Keep ↔ generate.
    public func inverted() -> InpaintMask { InpaintMask(height: height, width: width, keep: keep.map { 1 - $0 }) }
}

/// The mask shapes `ddpm inpaint --mask` offers. "upper-half" means the upper half is MASKED
/// (generated) and the lower half kept, as in seed 000 §4.5 ("the implemented mask will mask the
/// upper half of the picture"); every other kind names the region that is generated too.
public enum MaskKind: String, CaseIterable, Codable, Sendable {
    case upperHalf = "upper-half"
    case lowerHalf = "lower-half"
    case leftHalf = "left-half"
    case rightHalf = "right-half"
    /// A centered square of side `size` (default half the shorter side).
    case center
    /// One rectangle per input, sides uniform in [side/4, side/2], position uniform; seeded.
    case randomBox = "random-box"
    /// Odd rows (1, 3, 5, …) generated, even rows kept: every other line of the image is missing.
    case everyOtherLine = "every-other-line"
    /// Exactly round(keep · H·W) pixels kept, chosen uniformly per input; seeded.
    case randomPixels = "random-pixels"

    /// Whether the mask differs per input (drawn from the seed).
    public var isRandom: Bool { self == .randomBox || self == .randomPixels }
}

/// A mask kind with its parameters; `mask(height:width:input:seed:)` draws the mask of one input.
public struct MaskSpec: Equatable, Sendable {
    public var kind: MaskKind
    /// `center`: side of the generated square (nil: half the shorter side).
    public var size: Int?
    /// `random-pixels`: fraction of pixels kept, in [0, 1].
    public var keepFraction: Double
    /// Swap keep and generate after building the mask.
    public var inverted: Bool

    public init(kind: MaskKind, size: Int? = nil, keepFraction: Double = 0.2, inverted: Bool = false) {
        self.kind = kind; self.size = size; self.keepFraction = keepFraction; self.inverted = inverted
    }

    /// What is wrong with the parameters for an image of `height`×`width` (nil: fine), as
    /// "flag: reason" so the CLI can print it as is.
    public func problem(height: Int, width: Int) -> String? {
        if let size, !(1...min(height, width)).contains(size) {
            return "--mask-size \(size): expected 1…\(min(height, width)) for \(height)×\(width) images"
        }
        if !(0...1).contains(keepFraction) { return "--keep \(keepFraction): expected a fraction in [0, 1]" }
        return nil
    }

    /// The mask of input `input` (random kinds draw from `RandomGenerator(seed: seed ^ maskSalt,
    /// stream: input)`, which no sampling stream uses, so masks do not depend on batch size or on
    /// the number of completions).
    public func mask(height H: Int, width W: Int, input: Int, seed: UInt64) -> InpaintMask {
        shapeCheck(problem(height: H, width: W) == nil, "MaskSpec: \(problem(height: H, width: W)!)")
        var generator = RandomGenerator(seed: seed ^ Self.maskSalt, stream: UInt64(input))
        let m: InpaintMask
        switch kind {
        case .upperHalf: m = InpaintMask(height: H, width: W) { y, _ in y >= H / 2 }
        case .lowerHalf: m = InpaintMask(height: H, width: W) { y, _ in y < H - H / 2 }
        case .leftHalf: m = InpaintMask(height: H, width: W) { _, x in x >= W / 2 }
        case .rightHalf: m = InpaintMask(height: H, width: W) { _, x in x < W - W / 2 }
        case .center:
            let side = size ?? max(1, min(H, W) / 2)
            let top = (H - side) / 2, left = (W - side) / 2
            m = InpaintMask(height: H, width: W) { y, x in !((top..<(top + side)).contains(y) && (left..<(left + side)).contains(x)) }
        case .randomBox:
            let bh = Self.uniform(max(1, H / 4)...max(1, H / 2), &generator)
            let bw = Self.uniform(max(1, W / 4)...max(1, W / 2), &generator)
            let top = Self.uniform(0...(H - bh), &generator), left = Self.uniform(0...(W - bw), &generator)
            m = InpaintMask(height: H, width: W) { y, x in !((top..<(top + bh)).contains(y) && (left..<(left + bw)).contains(x)) }
        case .everyOtherLine: m = InpaintMask(height: H, width: W) { y, _ in y % 2 == 0 }
        case .randomPixels:
            // Partial Fisher–Yates: the first `kept` entries of a shuffled 0..<H·W are kept.
            let kept = Int((keepFraction * Double(H * W)).rounded(.toNearestOrEven))
            var order = Array(0..<(H * W))
            var values = [Float](repeating: 0, count: H * W)
            for i in 0..<kept {
                order.swapAt(i, i + generator.nextInt(below: H * W - i))
                values[order[i]] = 1
            }
            m = InpaintMask(height: H, width: W, keep: values)
        }
        return inverted ? m.inverted() : m
    }

    /// Keeps mask streams apart from the sampling streams `RandomGenerator(seed:stream: k)`.
    static let maskSalt: UInt64 = 0x6D61_736B_6D61_736B  // "maskmask"

    private static func uniform(_ range: ClosedRange<Int>, _ g: inout RandomGenerator) -> Int {
        range.lowerBound + g.nextInt(below: range.count)
    }
}
