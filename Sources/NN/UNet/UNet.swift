import TensorCore

/// The noise-prediction network ε_θ(x_t, t[, class]) in the DDPM layout (Ho et al. 2020),
/// structured and named exactly like diffusers' `UNet2DModel` so its checkpoints load unchanged:
/// ```
/// conv_in → down_blocks[i] (resnets, attentions?, downsampler except last) → mid_block (res, attn?, res)
///         → up_blocks[i] (layers_per_block + 1 resnets eating skips by concatenation, attentions?,
///           upsampler except last) → conv_norm_out → SiLU → conv_out
/// ```
/// Shapes: x `[N, Cin, S, S]`, timesteps `[N]` → `[N, Cout, S, S]`.
public final class UNet: Layer {
    public let config: UNetConfig
    let timeProj: SinusoidalEmbedding
    let convIn: Conv2d
    let timeEmbedding: TimestepEmbedding
    let classEmbedding: Embedding?
    let downBlocks: [DownBlock]
    let midBlock: MidBlock
    let upBlocks: [UpBlock]
    let convNormOut: GroupNorm
    let convOut: Conv2d

    /// A UNet with PyTorch's default initialization drawn from `RandomGenerator(seed: seed)`.
    public convenience init(_ config: UNetConfig, seed: UInt64 = 0) {
        self.init(config, using: RandomGenerator(seed: seed))
    }

    /// A UNet whose initial weights are drawn from `generator` (training gives it a stream of its
    /// own, apart from the streams of the training steps).
    public init(_ config: UNetConfig, using generator: RandomGenerator) {
        let problems = config.validationErrors()
        shapeCheck(problems.isEmpty, "UNet: invalid configuration: " + problems.joined(separator: "; "))
        self.config = config
        var g = generator
        let ch = config.blockOutChannels, levels = ch.count
        let embDim = ch[0] * 4
        let (groups, eps, dropout) = (config.normNumGroups, config.normEps, config.dropout)
        let scaleShift = config.resnetTimeScaleShift == .scaleShift
        func heads(_ channels: Int) -> Int { config.attentionHeadDim.map { channels / $0 } ?? 1 }

        convIn = Conv2d(config.inChannels, ch[0], kernelSize: 3, padding: 1, using: &g)
        timeProj = SinusoidalEmbedding(dim: ch[0], flipSinToCos: config.flipSinToCos, freqShift: Float(config.freqShift))
        timeEmbedding = TimestepEmbedding(inFeatures: ch[0], dim: embDim, using: &g)
        classEmbedding = config.numClassEmbeds.map { Embedding($0, embDim, using: &g) }

        var down: [DownBlock] = []
        var outChannels = ch[0]
        for i in 0..<levels {
            let inChannels = outChannels
            outChannels = ch[i]
            let attention = config.downBlockTypes[i] == .attention
            var resnets: [ResBlock] = [], attentions: [AttentionBlock] = []
            for j in 0..<config.layersPerBlock {
                resnets.append(ResBlock(inChannels: j == 0 ? inChannels : outChannels, outChannels: outChannels, embeddingDim: embDim,
                                        groups: groups, eps: eps, dropout: dropout, scaleShift: scaleShift, using: &g))
                if attention { attentions.append(AttentionBlock(channels: outChannels, heads: heads(outChannels), groups: groups, eps: eps, using: &g)) }
            }
            let downsampler = i < levels - 1 ? Downsample(channels: outChannels, padding: config.downsamplePadding, using: &g) : nil
            down.append(DownBlock(resnets: resnets, attentions: attentions, downsampler: downsampler))
        }
        downBlocks = down

        let c = ch[levels - 1]
        midBlock = MidBlock(
            resnet0: ResBlock(inChannels: c, outChannels: c, embeddingDim: embDim, groups: groups, eps: eps, dropout: dropout,
                              outputScale: config.midBlockScaleFactor, scaleShift: scaleShift, using: &g),
            attention: config.addAttention
                ? AttentionBlock(channels: c, heads: heads(c), groups: groups, eps: eps, outputScale: config.midBlockScaleFactor,
                                 normalized: config.midAttentionHasNorm, using: &g) : nil,
            resnet1: ResBlock(inChannels: c, outChannels: c, embeddingDim: embDim, groups: groups, eps: eps, dropout: dropout,
                              outputScale: config.midBlockScaleFactor, scaleShift: scaleShift, using: &g))

        var up: [UpBlock] = []
        let reversed = Array(ch.reversed())
        outChannels = reversed[0]
        for i in 0..<levels {
            let prevOutput = outChannels
            outChannels = reversed[i]
            let inChannels = reversed[min(i + 1, levels - 1)]
            let attention = config.upBlockTypes[i] == .attention
            var resnets: [ResBlock] = [], attentions: [AttentionBlock] = []
            let count = config.layersPerBlock + 1
            for j in 0..<count {
                // The last resnet of a level consumes the skip from the level's input (conv_in or the
                // previous level's downsampler), which has the next level's channel count.
                let skip = j == count - 1 ? inChannels : outChannels
                let resIn = j == 0 ? prevOutput : outChannels
                resnets.append(ResBlock(inChannels: resIn + skip, outChannels: outChannels, embeddingDim: embDim,
                                        groups: groups, eps: eps, dropout: dropout, scaleShift: scaleShift, using: &g))
                if attention { attentions.append(AttentionBlock(channels: outChannels, heads: heads(outChannels), groups: groups, eps: eps, using: &g)) }
            }
            let upsampler = i < levels - 1 ? Upsample(channels: outChannels, using: &g) : nil
            up.append(UpBlock(resnets: resnets, attentions: attentions, upsampler: upsampler))
        }
        upBlocks = up
        convNormOut = GroupNorm(groups: groups, channels: ch[0], eps: eps)
        convOut = Conv2d(ch[0], config.outChannels, kernelSize: 3, padding: 1, using: &g)
    }

    /// Predicts the noise in `x` at `timesteps` (one per image; the paper's t, fractional allowed).
    /// `classLabels` is required exactly when the model has a class embedding.
    public func callAsFunction(_ x: Tensor, timesteps: [Float], classLabels: [Int]? = nil,
                               context: inout ForwardContext) -> Tensor {
        let N = x.shape[0]
        shapeCheck(x.rank == 4 && x.shape[1] == config.inChannels,
                   "UNet: input \(describe(x.shape)) must be [N, \(config.inChannels), H, W]")
        shapeCheck(timesteps.count == N, "UNet: \(timesteps.count) timesteps for a batch of \(N)")
        // 1. Time (and class) embedding; every ResBlock uses silu(emb), so compute it once.
        var emb = timeEmbedding(timeProj(timesteps))
        if let classEmbedding {
            guard let classLabels else { fatalError("UNet: this model is class-conditional; class labels are required") }
            shapeCheck(classLabels.count == N, "UNet: \(classLabels.count) class labels for a batch of \(N)")
            emb = emb + classEmbedding(classLabels)
        }
        let act = emb.silu()
        // 2. Down path, keeping every intermediate as a skip.
        var h = convIn(x)
        var skips = [h]
        for block in downBlocks {
            for (j, resnet) in block.resnets.enumerated() {
                h = resnet(h, activatedEmbedding: act, context: &context)
                if !block.attentions.isEmpty { h = block.attentions[j](h) }
                skips.append(h)
            }
            if let d = block.downsampler { h = d(h); skips.append(h) }
        }
        // 3. Middle.
        h = midBlock.resnet0(h, activatedEmbedding: act, context: &context)
        if let a = midBlock.attention { h = a(h) }
        h = midBlock.resnet1(h, activatedEmbedding: act, context: &context)
        // 4. Up path: each resnet takes the most recent skip.
        for block in upBlocks {
            for (j, resnet) in block.resnets.enumerated() {
                h = resnet(Tensor.concatenate([h, skips.removeLast()], axis: 1), activatedEmbedding: act, context: &context)
                if !block.attentions.isEmpty { h = block.attentions[j](h) }
            }
            if let u = block.upsampler { h = u(h) }
        }
        // 5. Output head.
        return convOut(convNormOut(h, silu: true))
    }

    /// Inference convenience: no dropout, no graph.
    public func predict(_ x: Tensor, timesteps: [Float], classLabels: [Int]? = nil) -> Tensor {
        var context = ForwardContext.inference
        return withoutGrad { self(x, timesteps: timesteps, classLabels: classLabels, context: &context) }
    }

    public func namedParameters() -> [(String, Parameter)] {
        var p = scoped("conv_in", convIn) + scoped("time_embedding", timeEmbedding) + scoped("class_embedding", classEmbedding)
        for (i, b) in downBlocks.enumerated() { p += scoped("down_blocks.\(i)", b) }
        p += scoped("mid_block", midBlock)
        for (i, b) in upBlocks.enumerated() { p += scoped("up_blocks.\(i)", b) }
        return p + scoped("conv_norm_out", convNormOut) + scoped("conv_out", convOut)
    }
}

// MARK: - Blocks (containers that only name their children)

final class DownBlock: Layer {
    let resnets: [ResBlock], attentions: [AttentionBlock], downsampler: Downsample?
    init(resnets: [ResBlock], attentions: [AttentionBlock], downsampler: Downsample?) {
        self.resnets = resnets; self.attentions = attentions; self.downsampler = downsampler
    }
    func namedParameters() -> [(String, Parameter)] {
        var p: [(String, Parameter)] = []
        for (j, a) in attentions.enumerated() { p += scoped("attentions.\(j)", a) }
        for (j, r) in resnets.enumerated() { p += scoped("resnets.\(j)", r) }
        return p + scoped("downsamplers.0", downsampler)
    }
}

final class MidBlock: Layer {
    let resnet0: ResBlock, attention: AttentionBlock?, resnet1: ResBlock
    init(resnet0: ResBlock, attention: AttentionBlock?, resnet1: ResBlock) {
        self.resnet0 = resnet0; self.attention = attention; self.resnet1 = resnet1
    }
    func namedParameters() -> [(String, Parameter)] {
        scoped("attentions.0", attention) + scoped("resnets.0", resnet0) + scoped("resnets.1", resnet1)
    }
}

final class UpBlock: Layer {
    let resnets: [ResBlock], attentions: [AttentionBlock], upsampler: Upsample?
    init(resnets: [ResBlock], attentions: [AttentionBlock], upsampler: Upsample?) {
        self.resnets = resnets; self.attentions = attentions; self.upsampler = upsampler
    }
    func namedParameters() -> [(String, Parameter)] {
        var p: [(String, Parameter)] = []
        for (j, a) in attentions.enumerated() { p += scoped("attentions.\(j)", a) }
        for (j, r) in resnets.enumerated() { p += scoped("resnets.\(j)", r) }
        return p + scoped("upsamplers.0", upsampler)
    }
}
