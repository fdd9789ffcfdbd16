import Diffusion
import Foundation

/// diffusers' `scheduler_config.json` for a `DDPMScheduler`: the noise schedule a diffusers model
/// was trained with, which `config.json` does not say. ddpm writes it on export and reads it when
/// loading a diffusers folder, so a model is never sampled with an assumed schedule.
///
/// ddpm's schedules that diffusers names are written by name (its formulas are the same:
/// `linear` is linspace, `scaled-linear` is diffusers' `scaled_linear`, `sigmoid` is diffusers'
/// GeoDiff sigmoid, and `cosine` with s = 0.008 is `squaredcos_cap_v2`); every other schedule is
/// written as its T betas (`trained_betas`), which diffusers uses as given.
public struct DiffusersScheduler: Codable, Equatable, Sendable {
    public var numTrainTimesteps: Int
    public var betaStart: Double
    public var betaEnd: Double
    public var betaSchedule: String
    public var trainedBetas: [Double]?
    public var predictionType: String
    public var varianceType: String
    public var clipSample: Bool
    /// Lin et al. 2023's zero-terminal-SNR rescaling, applied by diffusers after the betas.
    public var rescaleBetasZeroSnr: Bool

    enum CodingKeys: String, CodingKey {
        case className = "_class_name", numTrainTimesteps = "num_train_timesteps", betaStart = "beta_start", betaEnd = "beta_end"
        case betaSchedule = "beta_schedule", trainedBetas = "trained_betas", predictionType = "prediction_type"
        case varianceType = "variance_type", clipSample = "clip_sample", rescaleBetasZeroSnr = "rescale_betas_zero_snr"
    }

    /// ddpm's schedule ↔ diffusers' `beta_schedule` name, for the schedules whose formulas agree.
    static let names: [(BetaSchedule, String)] = [(.linear, "linear"), (.scaledLinear, "scaled_linear"), (.sigmoid, "sigmoid"),
                                                  (.cosine, "squaredcos_cap_v2")]
    /// diffusers' squaredcos_cap_v2 fixes Nichol & Dhariwal's offset s at 0.008.
    static let diffusersCosineOffset = 0.008

    /// The scheduler of a ddpm model: it predicts ε, and `ddpm sample` uses σ²_t = β_t by default
    /// (diffusers' `fixed_large`).
    public init(_ d: DiffusionSettings) throws {
        numTrainTimesteps = d.timesteps
        betaStart = d.betaMin
        betaEnd = d.betaMax
        predictionType = "epsilon"
        varianceType = "fixed_large"
        clipSample = true
        rescaleBetasZeroSnr = d.rescaleZeroTerminalSnr
        let named = Self.names.first { $0.0 == d.schedule && (d.schedule != .cosine || d.cosineOffset == Self.diffusersCosineOffset) }
        if let custom = d.betas {
            betaSchedule = "linear"  // diffusers ignores it when trained_betas is given
            trainedBetas = custom
        } else if let named {
            betaSchedule = named.1
        } else {
            betaSchedule = "linear"  // diffusers ignores it when trained_betas is given
            trainedBetas = try d.schedule.betas(d.scheduleParameters)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // diffusers' DDPMScheduler defaults for keys a config leaves out.
        numTrainTimesteps = try c.decodeIfPresent(Int.self, forKey: .numTrainTimesteps) ?? 1000
        betaStart = try c.decodeIfPresent(Double.self, forKey: .betaStart) ?? 0.0001
        betaEnd = try c.decodeIfPresent(Double.self, forKey: .betaEnd) ?? 0.02
        betaSchedule = try c.decodeIfPresent(String.self, forKey: .betaSchedule) ?? "linear"
        trainedBetas = try c.decodeIfPresent([Double].self, forKey: .trainedBetas)
        predictionType = try c.decodeIfPresent(String.self, forKey: .predictionType) ?? "epsilon"
        varianceType = try c.decodeIfPresent(String.self, forKey: .varianceType) ?? "fixed_small"
        clipSample = try c.decodeIfPresent(Bool.self, forKey: .clipSample) ?? true
        rescaleBetasZeroSnr = try c.decodeIfPresent(Bool.self, forKey: .rescaleBetasZeroSnr) ?? false
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("DDPMScheduler", forKey: .className)
        try c.encode(numTrainTimesteps, forKey: .numTrainTimesteps)
        try c.encode(betaStart, forKey: .betaStart)
        try c.encode(betaEnd, forKey: .betaEnd)
        try c.encode(betaSchedule, forKey: .betaSchedule)
        try c.encodeIfPresent(trainedBetas, forKey: .trainedBetas)
        try c.encode(predictionType, forKey: .predictionType)
        try c.encode(varianceType, forKey: .varianceType)
        try c.encode(clipSample, forKey: .clipSample)
        try c.encode(rescaleBetasZeroSnr, forKey: .rescaleBetasZeroSnr)
    }

    /// ddpm's diffusion settings for this scheduler; a schedule ddpm cannot reproduce is an error
    /// (one line, for the caller to prefix with the file).
    public func diffusionSettings() throws -> DiffusionSettings {
        guard predictionType == "epsilon" else {
            throw DiffusersSchedulerError("prediction_type \"\(predictionType)\" is not supported (ddpm models predict the noise, \"epsilon\")")
        }
        var d = DiffusionSettings()
        d.rescaleZeroTerminalSnr = rescaleBetasZeroSnr
        if let trainedBetas {
            // As --betas-file: T is their count and each must be in (0, 1).
            guard trainedBetas.count >= 2, trainedBetas.allSatisfy({ $0 > 0 && $0 < 1 }) else {
                throw DiffusersSchedulerError("trained_betas must hold at least 2 betas, each in (0, 1)")
            }
            d.betas = trainedBetas
            d.timesteps = trainedBetas.count
            return d
        }
        guard let schedule = Self.names.first(where: { $0.1 == betaSchedule })?.0 else {
            throw DiffusersSchedulerError("beta_schedule \"\(betaSchedule)\" is not one ddpm has; expected one of: "
                                          + Self.names.map(\.1).joined(separator: ", "))
        }
        d.schedule = schedule
        d.timesteps = numTrainTimesteps
        d.betaMin = betaStart
        d.betaMax = betaEnd
        d.cosineOffset = Self.diffusersCosineOffset
        return d
    }
}

/// A scheduler_config.json ddpm cannot use.
public struct DiffusersSchedulerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
