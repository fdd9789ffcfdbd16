import TensorCore

// The seam between the sampling driver and the mathematics of one step.
//
// The driver (SamplingDriver.swift) owns batches, per-image random streams, progress, trajectories
// and output; a policy owns what happens to x in one step. DDPM and DDIM are policies; RePaint
// (which also moves back UP in t), guided sampling (a wrapper around the noise predictor) and
// few-step solvers plug in here without touching the driver.

/// A model evaluation: (x_t `[B, C, H, W]`, timestep per image `[B]`, which images of the seeded
/// sequence the batch holds) → predicted noise ε̂ `[B, C, H, W]`. The image range lets a wrapper
/// look up per-image data such as class labels.
public typealias NoisePredictor = (_ x: Tensor, _ timesteps: [Float], _ images: Range<Int>) -> Tensor

/// One batch in flight: which images it holds and each image's own random stream.
///
/// Image k of the seeded sequence draws ALL its randomness (x_T, every z, RePaint's re-noising)
/// from `RandomGenerator(seed:stream: k)`, in the order the steps ask for it, so its result does
/// not depend on the batch size or on its neighbours.
public struct SamplingBatch {
    /// Indices of the batch's images in the seeded sequence.
    public let images: Range<Int>
    /// `[C, H, W]`.
    public let imageShape: [Int]
    var generators: [RandomGenerator]

    public init(images: Range<Int>, imageShape: [Int], seed: UInt64) {
        self.images = images
        self.imageShape = imageShape
        generators = images.map { RandomGenerator(seed: seed, stream: UInt64($0)) }
    }

    public var count: Int { images.count }

    /// `[B, C, H, W]` standard normal, each image from its own stream.
    public mutating func standardNormal() -> Tensor {
        Tensor.standardNormal(imageShape: imageShape, generators: &generators)
    }

    /// The timestep column the model expects: t for every image of the batch.
    public func timesteps(_ t: Int) -> [Float] { [Float](repeating: Float(t), count: count) }
}

/// The result of one step: the new x and, where the step predicted one, x̂_0 (for trajectories).
public struct StepResult {
    public let previous: Tensor
    public let predictedX0: Tensor?

    public init(previous: Tensor, predictedX0: Tensor?) {
        self.previous = previous
        self.predictedX0 = predictedX0
    }
}

/// What one step of a sampler does. Policies are values: all per-batch state lives in x and in
/// the batch's streams, so one policy serves every batch.
public protocol SamplingPolicy {
    /// Steps per image (what progress counts).
    var stepCount: Int { get }
    /// Model evaluations per image (the cost; equals `stepCount` unless a step skips the model).
    var modelEvaluations: Int { get }
    /// The timestep of x after step j (for trajectory labels); −1 means x_0.
    func timestep(after j: Int) -> Int
    /// x at the start, e.g. x_T ~ N(0, I) drawn from the batch's streams.
    func start(_ batch: inout SamplingBatch) -> Tensor
    /// Step j (0 ..< stepCount) applied to x.
    func step(_ j: Int, x: Tensor, batch: inout SamplingBatch, model: NoisePredictor) -> StepResult
    /// The finished images, in [-1, 1].
    func finish(_ x: Tensor, batch: SamplingBatch) -> Tensor
}

extension SamplingPolicy {
    public var modelEvaluations: Int { stepCount }
    public func start(_ batch: inout SamplingBatch) -> Tensor { batch.standardNormal() }
    public func finish(_ x: Tensor, batch: SamplingBatch) -> Tensor { x.clamped(to: -1...1) }
}
