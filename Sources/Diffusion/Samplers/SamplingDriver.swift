import TensorCore

/// Runs a sampling policy over many images in batches and hands each finished batch to `output`.
///
/// The driver owns what every sampler shares: batching, per-image random streams (see
/// `SamplingBatch`), grad mode, progress, the first batch's trajectory, and streaming: images leave
/// batch by batch, so memory does not grow with the number of images.
public struct SamplingDriver {
    /// `[C, H, W]`.
    public let imageShape: [Int]
    public let seed: UInt64
    public let batchSize: Int

    public init(imageShape: [Int], seed: UInt64, batchSize: Int) {
        shapeCheck(imageShape.count == 3 && imageShape.allSatisfy { $0 >= 1 } && batchSize >= 1,
                   "SamplingDriver: image shape \(describe(imageShape)) must be [C, H, W] and batch size \(batchSize) ≥ 1")
        self.imageShape = imageShape
        self.seed = seed
        self.batchSize = batchSize
    }

    /// One step of the first batch, as seen by a trajectory observer.
    public struct TrajectoryPoint {
        /// Step index, 0 ..< policy.stepCount.
        public let step: Int
        /// Timestep of `x` (−1: x_0).
        public let timestep: Int
        public let x: Tensor
        public let predictedX0: Tensor?
    }

    /// Number of progress ticks `run(count:…)` will report: batches × steps.
    public func totalSteps(count: Int, policy: some SamplingPolicy) -> Int {
        (count + batchSize - 1) / batchSize * policy.stepCount
    }

    /// Samples images `first ..< first + count` of the seeded sequence.
    /// - Parameters:
    ///   - progress: after every step of every batch, (steps done, total steps).
    ///   - trajectory: every step of the FIRST batch.
    ///   - output: each finished batch, `[B, C, H, W]` in [-1, 1], with its image indices, in order.
    public func run(count: Int, first: Int = 0, policy: some SamplingPolicy, model: NoisePredictor,
                    progress: ((Int, Int) -> Void)? = nil, trajectory: ((TrajectoryPoint) -> Void)? = nil,
                    output: (_ images: Range<Int>, _ batch: Tensor) throws -> Void) rethrows {
        shapeCheck(count >= 0 && first >= 0, "SamplingDriver.run: count \(count) and first \(first) must be ≥ 0")
        let total = totalSteps(count: count, policy: policy)
        var done = 0
        for start in stride(from: first, to: first + count, by: batchSize) {
            var batch = SamplingBatch(images: start..<min(start + batchSize, first + count), imageShape: imageShape, seed: seed)
            let images: Tensor = withoutGrad {
                var x = policy.start(&batch)
                for j in 0..<policy.stepCount {
                    let result = policy.step(j, x: x, batch: &batch, model: model)
                    x = result.previous
                    if start == first {
                        trajectory?(TrajectoryPoint(step: j, timestep: policy.timestep(after: j), x: x, predictedX0: result.predictedX0))
                    }
                    done += 1
                    progress?(done, total)
                }
                return policy.finish(x, batch: batch)
            }
            try output(batch.images, images)
        }
    }

    /// All images at once, `[count, C, H, W]` (for tests and small counts; `run` streams).
    public func sampleAll(count: Int, first: Int = 0, policy: some SamplingPolicy, model: NoisePredictor,
                          progress: ((Int, Int) -> Void)? = nil, trajectory: ((TrajectoryPoint) -> Void)? = nil) -> Tensor {
        var batches: [Tensor] = []
        run(count: count, first: first, policy: policy, model: model, progress: progress, trajectory: trajectory) { _, b in
            batches.append(b)
        }
        return batches.isEmpty ? Tensor.zeros([0] + imageShape) : Tensor.concatenate(batches, axis: 0)
    }
}
