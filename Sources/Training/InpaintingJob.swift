import DataIO
import Diffusion
import Foundation
import NN
import TensorCore

/// Fills the masked regions of images with RePaint on a trained model, K completions per input,
/// streaming finished batches to the caller; writes the comparison grid and per-completion PNGs.
public struct InpaintingJob {
    public let model: UNet
    public let policy: RePaintPolicy
    public let seed: UInt64
    public let batchSize: Int
    /// Provenance written into every PNG (command, checkpoint hash, schedule, RePaint settings, …).
    public let provenance: [(key: String, value: String)]

    public init(model: UNet, tables: NoiseTables, settings: SamplerSettings, jumpLength: Int, resamplings: Int,
                inputs: InpaintingInputs, seed: UInt64, batchSize: Int, provenance: [(key: String, value: String)]) throws {
        self.model = model
        policy = try RePaintPolicy(tables: tables, settings: settings, jumpLength: jumpLength, resamplings: resamplings, inputs: inputs)
        self.seed = seed
        self.batchSize = batchSize
        self.provenance = provenance + [
            ("seed", String(seed)), ("sampler", "repaint+" + settings.kind.rawValue), ("steps", String(policy.visited.count)),
            ("jump-length", String(jumpLength)), ("resample", String(resamplings)),
            ("model-evaluations-per-image", String(policy.modelEvaluations)),
            ("eta", settings.kind == .ddim ? String(settings.eta) : "-"),
            ("variance", settings.kind == .ddpm ? settings.variance.rawValue : "-"),
            ("spacing", settings.spacing.rawValue), ("clip-denoised", String(settings.clipDenoised)),
        ]
    }

    public var inputs: InpaintingInputs { policy.inputs }
    public var driver: SamplingDriver { SamplingDriver(imageShape: inputs.imageShape, seed: seed, batchSize: batchSize) }

    /// Batched model evaluations the whole run makes (what the progress bar counts).
    public var totalModelEvaluations: Int {
        (inputs.sequenceLength + batchSize - 1) / batchSize * policy.modelEvaluations
    }

    /// The model as the policy's (x_t, t, images) → ε̂. A class-conditional model gets its "no
    /// class" label. Classifier-free guidance (`--class`) wraps this predictor.
    public func noisePredictor() -> NoisePredictor {
        let model = self.model
        let null = model.config.nullClassLabel
        return { x, t, _ in
            var context = ForwardContext.inference
            return model(x, timesteps: t, classLabels: null.map { [Int](repeating: $0, count: t.count) }, context: &context)
        }
    }

    /// Inpaints every input K times. `progress` gets (batched model evaluations done, total);
    /// `output` each finished batch `[B, C, H, W]` with its indices in the seeded sequence
    /// (image k completes input k / K).
    public func run(model predictor: NoisePredictor? = nil, progress: ((Int, Int) -> Void)? = nil,
                    trajectory: ((SamplingDriver.TrajectoryPoint) -> Void)? = nil,
                    output: (_ images: Range<Int>, _ batch: Tensor) throws -> Void) rethrows {
        let moves = policy.stepCount, perBatch = policy.modelEvaluations, total = totalModelEvaluations
        let schedule = policy.schedule
        try driver.run(count: inputs.sequenceLength, policy: policy, model: predictor ?? noisePredictor(), progress: progress.map { report in
            { done, _ in report((done - 1) / moves * perBatch + schedule.evaluations(afterMoves: (done - 1) % moves + 1), total) }
        }, trajectory: trajectory, output: output)
    }

    /// All completions `[N·K, C, H, W]` at once (tests, small runs).
    public func runAll(model predictor: NoisePredictor? = nil) -> Tensor {
        var batches: [Tensor] = []
        run(model: predictor) { _, b in batches.append(b) }
        return Tensor.concatenate(batches, axis: 0)
    }

    // MARK: - Output

    /// Per input one row: the original, the masked input (generated pixels grey), K completions.
    /// - Parameter completions: `[N·K, C, H, W]` in sequence order.
    public func gridTiles(completions: [Float]) -> (tiles: [Float], rows: Int, cols: Int) {
        let per = inputs.imageShape.reduce(1, *), plane = inputs.imageShape[1] * inputs.imageShape[2], K = inputs.completionsPerInput
        var tiles: [Float] = []
        tiles.reserveCapacity(inputs.count * (K + 2) * per)
        for i in 0..<inputs.count {
            let original = Array(inputs.images[(i * per)..<((i + 1) * per)])
            tiles += original
            tiles += original.indices.map { inputs.masks[i].keep[$0 % plane] == 1 ? original[$0] : 0 }
            tiles += completions[(i * K * per)..<((i + 1) * K * per)]
        }
        return (tiles, inputs.count, K + 2)
    }

    public func writeGrid(completions: [Float], to path: String, overwrite: Bool) throws {
        let (tiles, rows, cols) = gridTiles(completions: completions)
        let s = inputs.imageShape
        var png = PNGImage.grid(tiles, n: rows * cols, c: s[0], h: s[1], w: s[2], rows: rows, cols: cols)
        png.text = provenance + [("inputs", String(inputs.count)), ("completions-per-input", String(inputs.completionsPerInput)),
                                 ("figure", "rows: inputs; columns: original, masked input (grey = generated), completions")]
        try png.write(to: path, overwrite: overwrite)
    }

    /// Writes each completion of a batch to `folder/inputNNNNN-KK.png` with its provenance.
    public func writeCompletions(_ batch: Tensor, indices: Range<Int>, names: [String], to folder: String, overwrite: Bool) throws {
        try FileSystem.createFolder(folder)
        let s = batch.shape, per = s[1] * s[2] * s[3], values = batch.scalars, K = inputs.completionsPerInput
        for (slot, k) in indices.enumerated() {
            var png = PNGImage(chw: Array(values[(slot * per)..<((slot + 1) * per)]), channels: s[1], height: s[2], width: s[3])
            png.text = provenance + [("input", names[k / K]), ("input-index", String(k / K)), ("completion", String(k % K)),
                                     ("image-index", String(k))]
            try png.write(to: folder + Self.completionFileName(input: k / K, completion: k % K), overwrite: overwrite)
        }
    }

    public static func completionFileName(input: Int, completion: Int) -> String {
        String(format: "/input%05d-%02d.png", input, completion)
    }
}
