import Foundation

/// The UNet's architecture, in diffusers' `UNet2DModel` vocabulary so that a diffusers
/// `config.json` decodes directly (keys are diffusers' snake_case).
public struct UNetConfig: Codable, Equatable, Sendable {
    public enum DownBlock: String, Codable, Sendable { case plain = "DownBlock2D", attention = "AttnDownBlock2D" }
    public enum UpBlock: String, Codable, Sendable { case plain = "UpBlock2D", attention = "AttnUpBlock2D" }
    /// How a residual block takes the time embedding (diffusers' `resnet_time_scale_shift`): added
    /// before norm2 (Ho et al.), or as a scale and shift of norm2's output (improved-diffusion's AdaGN).
    public enum TimeScaleShift: String, Codable, Sendable { case `default`, scaleShift = "scale_shift" }

    public var sampleSize: Int
    public var inChannels: Int
    public var outChannels: Int
    public var blockOutChannels: [Int]
    public var downBlockTypes: [DownBlock]
    public var upBlockTypes: [UpBlock]
    public var layersPerBlock: Int
    /// Channels per attention head; nil = one head over all channels.
    public var attentionHeadDim: Int?
    public var normNumGroups: Int
    public var normEps: Float
    public var flipSinToCos: Bool
    public var freqShift: Int
    public var downsamplePadding: Int
    /// Attention in the middle block (diffusers' `add_attention`).
    public var addAttention: Bool
    public var dropout: Float
    /// Class-embedding table size (for classifier-free guidance: classes + 1 "no class" row).
    public var numClassEmbeds: Int?

    /// Number of real classes of a class-conditional model (the embedding's last row is the null class).
    public var classCount: Int? { numClassEmbeds.map { $0 - 1 } }

    /// The label that means "no class" (∅ in Ho & Salimans 2022): the embedding's last row, index
    /// `classCount`. Training replaces a label by it with probability p_uncond; guided sampling
    /// evaluates ε(x, ∅) with it.
    public var nullClassLabel: Int? { numClassEmbeds.map { $0 - 1 } }
    public var midBlockScaleFactor: Float
    public var resnetTimeScaleShift: TimeScaleShift
    /// diffusers' `attn_norm_num_groups`: only ever equal to `normNumGroups` here; what matters is
    /// whether it is set, see `midAttentionHasNorm`.
    public var attnNormNumGroups: Int?

    /// Whether the middle block's attention has a group norm. diffusers gives it one with the
    /// default time embedding, but with scale_shift only when `attn_norm_num_groups` is set.
    public var midAttentionHasNorm: Bool { resnetTimeScaleShift == .default || attnNormNumGroups != nil }

    enum CodingKeys: String, CodingKey {
        case sampleSize = "sample_size", inChannels = "in_channels", outChannels = "out_channels"
        case blockOutChannels = "block_out_channels", downBlockTypes = "down_block_types", upBlockTypes = "up_block_types"
        case layersPerBlock = "layers_per_block", attentionHeadDim = "attention_head_dim", normNumGroups = "norm_num_groups"
        case normEps = "norm_eps", flipSinToCos = "flip_sin_to_cos", freqShift = "freq_shift"
        case downsamplePadding = "downsample_padding", addAttention = "add_attention", dropout
        case numClassEmbeds = "num_class_embeds", midBlockScaleFactor = "mid_block_scale_factor"
        case timeEmbeddingType = "time_embedding_type", classEmbedType = "class_embed_type"
        case resnetTimeScaleShift = "resnet_time_scale_shift", centerInputSample = "center_input_sample"
        case actFn = "act_fn", downsampleType = "downsample_type", upsampleType = "upsample_type"
        case attnNormNumGroups = "attn_norm_num_groups", midBlockType = "mid_block_type", className = "_class_name"
        case timeEmbeddingDim = "time_embedding_dim"
    }

    /// The DDPM (Ho et al.) layout from the usual hyperparameters: `attentionResolutions` lists the
    /// feature-map sizes (e.g. 7 for 28×28 inputs with three levels) whose blocks get self-attention.
    public init(imageSize: Int, channels: Int, baseChannels: Int, channelMultipliers: [Int], resBlocks: Int,
                attentionResolutions: [Int], headDim: Int? = nil, dropout: Float = 0, groups: Int = 32, eps: Float = 1e-5,
                classes: Int? = nil, midAttention: Bool = true, timeScaleShift: TimeScaleShift = .default) {
        sampleSize = imageSize
        inChannels = channels
        outChannels = channels
        blockOutChannels = channelMultipliers.map { $0 * baseChannels }
        let resolutions = channelMultipliers.indices.map { imageSize >> $0 }
        downBlockTypes = resolutions.map { attentionResolutions.contains($0) ? .attention : .plain }
        upBlockTypes = resolutions.reversed().map { attentionResolutions.contains($0) ? .attention : .plain }
        layersPerBlock = resBlocks
        attentionHeadDim = headDim
        normNumGroups = groups
        normEps = eps
        flipSinToCos = true
        freqShift = 0
        downsamplePadding = 1
        addAttention = midAttention
        self.dropout = dropout
        numClassEmbeds = classes.map { $0 + 1 }
        midBlockScaleFactor = 1
        resnetTimeScaleShift = timeScaleShift
        // ddpm's own scale-shift models keep the mid-block attention's norm, as improved-diffusion's
        // attention blocks do; stating the groups makes diffusers build the same.
        attnNormNumGroups = timeScaleShift == .scaleShift ? groups : nil
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sampleSize = try c.decodeIfPresent(Int.self, forKey: .sampleSize) ?? 32
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? 3
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? 3
        blockOutChannels = try c.decodeIfPresent([Int].self, forKey: .blockOutChannels) ?? [224, 448, 672, 896]
        downBlockTypes = try c.decodeIfPresent([DownBlock].self, forKey: .downBlockTypes)
            ?? [.plain, .attention, .attention, .attention]
        upBlockTypes = try c.decodeIfPresent([UpBlock].self, forKey: .upBlockTypes) ?? [.attention, .attention, .attention, .plain]
        layersPerBlock = try c.decodeIfPresent(Int.self, forKey: .layersPerBlock) ?? 2
        // diffusers' default is 8; an explicit null means one head over all channels.
        if c.contains(.attentionHeadDim) {
            attentionHeadDim = try c.decodeIfPresent(Int.self, forKey: .attentionHeadDim)
        } else {
            attentionHeadDim = 8
        }
        normNumGroups = try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? 32
        normEps = try c.decodeIfPresent(Float.self, forKey: .normEps) ?? 1e-5
        flipSinToCos = try c.decodeIfPresent(Bool.self, forKey: .flipSinToCos) ?? true
        freqShift = try c.decodeIfPresent(Int.self, forKey: .freqShift) ?? 0
        downsamplePadding = try c.decodeIfPresent(Int.self, forKey: .downsamplePadding) ?? 1
        addAttention = try c.decodeIfPresent(Bool.self, forKey: .addAttention) ?? true
        dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? 0
        numClassEmbeds = try c.decodeIfPresent(Int.self, forKey: .numClassEmbeds)
        midBlockScaleFactor = try c.decodeIfPresent(Float.self, forKey: .midBlockScaleFactor) ?? 1
        // Options this implementation does not have must fail loudly, not load into a wrong model.
        try Self.require(c, .timeEmbeddingType, equals: "positional")
        let shift = try c.decodeIfPresent(String.self, forKey: .resnetTimeScaleShift) ?? TimeScaleShift.default.rawValue
        guard let timeScaleShift = TimeScaleShift(rawValue: shift) else {
            throw UNetConfigError.unsupported(key: CodingKeys.resnetTimeScaleShift.rawValue, value: shift)
        }
        resnetTimeScaleShift = timeScaleShift
        try Self.require(c, .actFn, equals: "silu")
        try Self.require(c, .downsampleType, equals: "conv")
        try Self.require(c, .upsampleType, equals: "conv")
        try Self.require(c, .midBlockType, equals: "UNetMidBlock2D")
        if let v = try c.decodeIfPresent(String.self, forKey: .classEmbedType) {
            throw UNetConfigError.unsupported(key: "class_embed_type", value: v)
        }
        if let d = try c.decodeIfPresent(Int.self, forKey: .timeEmbeddingDim), d != blockOutChannels[0] * 4 {
            throw UNetConfigError.unsupported(key: "time_embedding_dim", value: String(d))
        }
        if try c.decodeIfPresent(Bool.self, forKey: .centerInputSample) == true {
            throw UNetConfigError.unsupported(key: "center_input_sample", value: "true")
        }
        attnNormNumGroups = try c.decodeIfPresent(Int.self, forKey: .attnNormNumGroups)
        if let g = attnNormNumGroups, g != normNumGroups {
            throw UNetConfigError.unsupported(key: "attn_norm_num_groups", value: String(g))
        }
    }

    private static func require(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, equals expected: String) throws {
        if let v = try c.decodeIfPresent(String.self, forKey: key), v != expected {
            throw UNetConfigError.unsupported(key: key.rawValue, value: v)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("UNet2DModel", forKey: .className)
        try c.encode(sampleSize, forKey: .sampleSize)
        try c.encode(inChannels, forKey: .inChannels)
        try c.encode(outChannels, forKey: .outChannels)
        try c.encode(blockOutChannels, forKey: .blockOutChannels)
        try c.encode(downBlockTypes, forKey: .downBlockTypes)
        try c.encode(upBlockTypes, forKey: .upBlockTypes)
        try c.encode(layersPerBlock, forKey: .layersPerBlock)
        try c.encode(attentionHeadDim, forKey: .attentionHeadDim)
        try c.encode(normNumGroups, forKey: .normNumGroups)
        try c.encode(normEps, forKey: .normEps)
        try c.encode(flipSinToCos, forKey: .flipSinToCos)
        try c.encode(freqShift, forKey: .freqShift)
        try c.encode(downsamplePadding, forKey: .downsamplePadding)
        try c.encode(addAttention, forKey: .addAttention)
        try c.encode(dropout, forKey: .dropout)
        try c.encode(numClassEmbeds, forKey: .numClassEmbeds)
        try c.encode(midBlockScaleFactor, forKey: .midBlockScaleFactor)
        try c.encode("positional", forKey: .timeEmbeddingType)
        try c.encode(resnetTimeScaleShift, forKey: .resnetTimeScaleShift)
        try c.encodeIfPresent(attnNormNumGroups, forKey: .attnNormNumGroups)
        try c.encode("silu", forKey: .actFn)
        try c.encode("UNetMidBlock2D", forKey: .midBlockType)
    }

    /// Problems that make this configuration unbuildable, as one-line messages.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        let levels = blockOutChannels.count
        if levels == 0 { errors.append("block_out_channels is empty") }
        if downBlockTypes.count != levels || upBlockTypes.count != levels {
            errors.append("down_block_types (\(downBlockTypes.count)) and up_block_types (\(upBlockTypes.count)) must have one entry per level (\(levels))")
        }
        for c in blockOutChannels where c % normNumGroups != 0 {
            errors.append("\(c) channels are not divisible into norm_num_groups = \(normNumGroups)")
        }
        if let d = attentionHeadDim, d > 0 {
            for c in blockOutChannels where c % d != 0 { errors.append("\(c) channels do not split into heads of attention_head_dim = \(d)") }
        }
        if levels > 0 && sampleSize % (1 << (levels - 1)) != 0 {
            errors.append("sample_size \(sampleSize) is not divisible by 2^\(levels - 1) (one halving per level but the last)")
        }
        if layersPerBlock < 1 { errors.append("layers_per_block must be at least 1") }
        return errors
    }
}

public enum UNetConfigError: Error, CustomStringConvertible, Equatable {
    case unsupported(key: String, value: String)
    public var description: String {
        switch self {
        case let .unsupported(key, value): "UNet config: \(key) = \(value) is not supported by ddpm"
        }
    }
}
