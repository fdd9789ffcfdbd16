// Stated limits for every count or size a user types, checked before anything is allocated, and a
// memory estimate checked against the machine's RAM. Each failure is one line naming the flag.
// Commands call these from their validation; the limits are in the README.
import Foundation

public enum InputLimits {
    /// Diffusion steps T: the noise tables hold about 12 Doubles per step.
    public static let maxTimesteps = 100_000
    /// Image side in pixels.
    public static let maxImageSize = 1024
    /// Images per training or sampling batch.
    public static let maxBatchSize = 4096
    /// UNet base channels, channel multipliers and residual blocks per level.
    public static let maxBaseChannels = 4096
    public static let maxChannelMultiplier = 64
    public static let maxResBlocks = 64
    /// Classes of a class-conditional model (one embedding row each).
    public static let maxClasses = 100_000
    /// A grid PNG: at most this many images and this many pixels (about 800 MB of RGB bytes).
    /// More images go one file each (`ddpm sample --images-dir`), which streams in constant memory.
    public static let maxGridImages = 4096
    public static let maxGridPixels = 16_384 * 16_384

    /// A limit broken, as one line naming the flag.
    public struct Exceeded: Error, CustomStringConvertible, Equatable {
        public let flag: String
        public let value: String
        public let rule: String
        public var description: String { "\(flag) \(value): \(rule)" }
    }

    /// `value` must be at most `limit`.
    public static func check(_ flag: String, _ value: Int, atMost limit: Int, why: String = "") throws {
        guard value <= limit else {
            throw Exceeded(flag: flag, value: String(value), rule: "must be at most \(limit)" + (why.isEmpty ? "" : " (\(why))"))
        }
    }

    /// The machine's physical memory in bytes.
    public static var physicalMemory: Int {
        Int(ProcessInfo.processInfo.physicalMemory)
    }

    /// Every size in a training config, then a training step's memory against the machine's.
    public static func checkTraining(_ c: TrainConfig) throws {
        try checkModel(c.model)
        try check("--timesteps", c.diffusion.timesteps, atMost: maxTimesteps)
        try check("--batch-size", c.training.batchSize, atMost: maxBatchSize)
        let need = trainingBytes(c.model, batchSize: c.training.batchSize)
        try checkMemory(need, flag: "--batch-size", value: c.training.batchSize, what: "a training step of the \(describe(c.model))")
        // Accumulation keeps the activations at one micro-batch, but every step still gathers the
        // whole effective batch's images and noise at once.
        let (k, b) = (c.training.gradAccumulation, c.training.batchSize)
        guard k > 1 else { return }
        try checkMemory(need + effectiveBatchInputBytes(c.model, images: Double(b) * Double(k)), flag: "--grad-accumulation", value: k,
                        what: "a training step whose effective batch is \(k) × \(b) images (gathered with their noise at once) of the \(describe(c.model))")
    }

    /// Bytes of an effective batch's Float inputs: the images x0, their noise, and the next step's
    /// images gathered in the background (the prefetcher).
    public static func effectiveBatchInputBytes(_ m: ModelSettings, images: Double) -> Double {
        images * Double(m.channels) * Double(m.imageSize) * Double(m.imageSize) * 4 * 3
    }

    /// The model's sizes (shared by train, and by commands that build a model from a config).
    public static func checkModel(_ m: ModelSettings) throws {
        try check("--image-size", m.imageSize, atMost: maxImageSize)
        try check("--base-channels", m.baseChannels, atMost: maxBaseChannels)
        for multiplier in m.channelMultipliers { try check("--channel-multipliers", multiplier, atMost: maxChannelMultiplier) }
        try check("--res-blocks", m.resBlocks, atMost: maxResBlocks)
        if let classes = m.classes { try check("--classes", classes, atMost: maxClasses) }
    }

    /// Sampling `count` images in batches of `batchSize`, with a grid of `gridImages` images
    /// (nil: no grid) and `nrow` images per row.
    public static func checkSampling(count: Int, batchSize: Int, model: ModelSettings, gridImages: Int?, nrow: Int?,
                                     gridFlag: String = "--n") throws {
        try check("--batch-size", batchSize, atMost: maxBatchSize)
        let batch = min(batchSize, count)
        try checkMemory(samplingBytes(model, batchSize: batch), flag: "--batch-size", value: batch,
                        what: "a sampling batch of the \(describe(model))")
        guard let n = gridImages else { return }
        try check(gridFlag, n, atMost: maxGridImages, why: "the grid PNG is limited to \(maxGridImages) images; pass --images-dir DIR to write one PNG per image")
        let cols = min(nrow ?? Int(Double(n).squareRoot().rounded(.up)), n), rows = (n + cols - 1) / cols
        let pixels = (cols * (model.imageSize + 2) + 2).multipliedReportingOverflow(by: rows * (model.imageSize + 2) + 2)
        guard !pixels.overflow, pixels.partialValue <= maxGridPixels else {
            throw Exceeded(flag: nrow == nil ? gridFlag : "--nrow", value: String(nrow ?? n),
                           rule: "the grid would be \(cols)×\(rows) images of \(model.imageSize) pixels, more than \(maxGridPixels) pixels")
        }
    }

    /// Estimated bytes of a training step: activations kept for backward plus weights, gradients, Adam
    /// moments and EMA. Fitted to `ddpm bench` (small, 28², batch 64: 761 MB ≈ 120 floats per base
    /// channel per pixel per image); an estimate to refuse the impossible, not a budget.
    public static func trainingBytes(_ m: ModelSettings, batchSize: Int) -> Double {
        let widest = Double(m.channelMultipliers.max() ?? 1)
        let activations = Double(batchSize) * Double(m.baseChannels) * widest * Double(m.imageSize * m.imageSize) * 4 * 120
        return activations + 5 * 4 * parameterEstimate(m)
    }

    /// Estimated bytes of one sampling batch (no backward): about 16 floats per base channel per pixel.
    public static func samplingBytes(_ m: ModelSettings, batchSize: Int) -> Double {
        let widest = Double(m.channelMultipliers.max() ?? 1)
        return Double(batchSize) * Double(m.baseChannels) * widest * Double(m.imageSize * m.imageSize) * 4 * 16 + 4 * parameterEstimate(m)
    }

    /// Two 3×3 convolutions per residual block, down and up paths (up has one more block).
    static func parameterEstimate(_ m: ModelSettings) -> Double {
        m.channelMultipliers.reduce(0.0) { sum, multiplier in
            let ch = Double(m.baseChannels * multiplier)
            return sum + Double(2 * m.resBlocks + 1) * 18 * ch * ch
        }
    }

    static func checkMemory(_ bytes: Double, flag: String, value: Int, what: String) throws {
        let available = Double(physicalMemory)
        guard bytes <= available else {
            throw Exceeded(flag: flag, value: String(value),
                           rule: "\(what) needs about \(gigabytes(bytes)), more than this machine's \(gigabytes(available)) of memory; use a smaller \(flag)")
        }
    }

    static func describe(_ m: ModelSettings) -> String {
        "\(m.imageSize)×\(m.imageSize) model with --base-channels \(m.baseChannels)"
    }

    static func gigabytes(_ bytes: Double) -> String { String(format: bytes >= 1e11 ? "%.0f GB" : "%.1f GB", bytes / 1e9) }
}
