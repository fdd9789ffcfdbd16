import Diffusion
import Foundation
import NN
import TensorCore
import Training

/// The model benchmarks of issue 3: one full training step and one sampling forward pass of the
/// UNet, at batch 64, for a `TrainConfig` (configs/tiny.yaml, small.yaml, cifar.yaml).
///
/// A training step is exactly what `ddpm train` does per batch, minus data loading:
/// ```
/// draw t, ε → loss(ε, ε_θ(x_t, t)) → backward → clip ‖g‖ → AdamW → EMA → zero gradients
/// ```
/// The input batch is fixed uniform noise in [−1, 1] (the step's cost does not depend on the pixels).
public enum UNetBenchmarks {
    /// One training step on a batch of `batch` images; FLOPs are `UNetFlops.trainingStep`.
    public static func trainingStep(_ name: String, config: TrainConfig, batch: Int = 64, repeats: Int) throws -> BenchMeasurement {
        let unetConfig = config.model.unetConfig
        let model = UNet(unetConfig, seed: 0)
        let parameters = ParameterSet(model)
        let optimizer = AdamW(parameters, settings: AdamW.Settings(weightDecay: config.training.weightDecay))
        let ema = EMA(of: parameters, decay: config.training.emaDecay)
        let objective = TrainingObjective(tables: try config.diffusion.noiseTables(), loss: config.diffusion.loss)
        let x0 = input(unetConfig, batch: batch, seed: 1)
        var generator = RandomGenerator(seed: 2)
        var context = ForwardContext(training: true, generator: RandomGenerator(seed: 3))
        let (lr, clip) = (config.training.learningRate, config.training.gradClip)
        return measured("train \(name) ×\(batch)", flops: UNetFlops.trainingStep(unetConfig, batch: batch),
                        images: batch, repeats: repeats) {
            let draw = objective.draw(batch: batch, shape: x0.shape, using: &generator)
            let (loss, _) = objective.evaluate(x0: x0, draw: draw) { x, t in
                model(x, timesteps: t, classLabels: nil, context: &context)
            }
            loss.backward()
            clipGradientNorm(parameters, maxNorm: clip)
            optimizer.update(learningRate: lr)
            ema.update(from: parameters)
            parameters.zeroGradients()
        }
    }

    /// One sampling-time forward pass (`predict`: no graph, no dropout) on `batch` images.
    public static func samplingForward(_ name: String, config: TrainConfig, batch: Int = 64, repeats: Int) -> BenchMeasurement {
        let unetConfig = config.model.unetConfig
        let model = UNet(unetConfig, seed: 0)
        _ = ParameterSet(model)   // the same flat parameter layout as in training and sampling
        let x = input(unetConfig, batch: batch, seed: 1)
        let timesteps = (0..<batch).map { Float(($0 * 997) % 1000) }
        return measured("sample \(name) ×\(batch) (forward)", flops: UNetFlops.forward(unetConfig, batch: batch),
                        images: batch, repeats: repeats) {
            _ = model.predict(x, timesteps: timesteps)
        }
    }

    /// The process's peak resident set so far (getrusage; Linux reports kilobytes). Unlike the
    /// tensor-memory peak it includes the pool's cached buffers, code, and the allocator's slack,
    /// and it never goes down, so it covers every workload run so far in this process.
    public static func maxResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    private static func input(_ c: UNetConfig, batch: Int, seed: UInt64) -> Tensor {
        var g = RandomGenerator(seed: seed)
        return Tensor.uniform([batch, c.inChannels, c.sampleSize, c.sampleSize], in: -1...1, using: &g)
    }

    /// `measure` (one warm-up run fills the buffer pool), with the peak of live tensor memory
    /// over the timed runs.
    private static func measured(_ name: String, flops: Double, images: Int, repeats: Int, _ body: () -> Void) -> BenchMeasurement {
        body()
        BufferPool.shared.resetPeak()
        var m = measure(name, flops: flops, images: images, warmup: 0, repeats: repeats, body)
        m.peakBytes = BufferPool.shared.peakLiveBytes
        return m
    }
}

/// An analytic FLOP count of the UNet, walking `UNetConfig` the way `UNet.init` builds the network.
///
/// Counts 2·MACs of every convolution (including the 1×1 shortcuts and the resamplers' convs),
/// every linear layer (time-embedding MLP, each ResBlock's time projection, attention's q/k/v/out
/// projections) and attention's two batched products (q·kᵀ and weights·v). Not counted: GroupNorm,
/// SiLU, softmax, additions, concatenation, up-sampling, the loss, the optimizer: they are memory-
/// bound and a few percent of the FLOPs. A training step is counted as 3× the forward pass (the
/// backward pass computes two products, data and weight gradients, per forward product).
public enum UNetFlops {
    public static func trainingStep(_ c: UNetConfig, batch: Int) -> Double { 3 * forward(c, batch: batch) }

    public static func forward(_ c: UNetConfig, batch N: Int) -> Double {
        let ch = c.blockOutChannels, levels = ch.count, emb = 4 * ch[0]
        var macs = 0
        func conv(_ cin: Int, _ cout: Int, k: Int, outSize: Int) { macs += N * cout * cin * k * k * outSize * outSize }
        func linear(_ rows: Int, _ fanIn: Int, _ fanOut: Int) { macs += rows * fanIn * fanOut }
        func resBlock(_ cin: Int, _ cout: Int, size: Int) {
            conv(cin, cout, k: 3, outSize: size)
            linear(N, emb, cout)
            conv(cout, cout, k: 3, outSize: size)
            if cin != cout { conv(cin, cout, k: 1, outSize: size) }
        }
        func attention(_ channels: Int, size: Int) {
            let L = size * size
            linear(N * L, channels, 4 * channels)   // to_q, to_k, to_v, to_out
            macs += 2 * N * L * L * channels        // q·kᵀ and weights·v, summed over the heads
        }
        // Time embedding MLP, then conv_in.
        linear(N, ch[0], emb)
        linear(N, emb, emb)
        conv(c.inChannels, ch[0], k: 3, outSize: c.sampleSize)
        // Down path.
        var size = c.sampleSize, channels = ch[0]
        for i in 0..<levels {
            for j in 0..<c.layersPerBlock {
                resBlock(j == 0 ? channels : ch[i], ch[i], size: size)
                if c.downBlockTypes[i] == .attention { attention(ch[i], size: size) }
            }
            channels = ch[i]
            if i < levels - 1 {
                let padded = size + (c.downsamplePadding == 1 ? 2 : 1)
                size = (padded - 3) / 2 + 1
                conv(channels, channels, k: 3, outSize: size)
            }
        }
        // Middle.
        resBlock(channels, channels, size: size)
        if c.addAttention { attention(channels, size: size) }
        resBlock(channels, channels, size: size)
        // Up path: the resnets eat the skips (see UNet.init for the channel bookkeeping).
        let reversed = Array(ch.reversed())
        var out = reversed[0]
        for i in 0..<levels {
            let previous = out
            out = reversed[i]
            let skipOfLevelInput = reversed[min(i + 1, levels - 1)]
            let count = c.layersPerBlock + 1
            for j in 0..<count {
                let skip = j == count - 1 ? skipOfLevelInput : out
                resBlock((j == 0 ? previous : out) + skip, out, size: size)
                if c.upBlockTypes[i] == .attention { attention(out, size: size) }
            }
            if i < levels - 1 {
                size *= 2
                conv(out, out, k: 3, outSize: size)
            }
        }
        // Output head.
        conv(ch[0], c.outChannels, k: 3, outSize: c.sampleSize)
        return 2 * Double(macs)
    }
}
