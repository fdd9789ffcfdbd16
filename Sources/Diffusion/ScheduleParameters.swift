// The numbers a beta schedule reads, as one Codable value shared by CLI flags, YAML configs and
// checkpoint metadata. The formulas that use them live in BetaSchedule.swift.

/// The parameters of every `BetaSchedule`.
///
/// Keys are the YAML keys; CLI flags are their kebab-case forms (`betaMin` ↔ `--beta-min`). A key
/// missing from a config decodes to the default below, so a config names only what it changes.
/// Decoding does not validate; `validate()` does, and `BetaSchedule.betas(_:)` calls it.
public struct ScheduleParameters: Codable, Equatable, Sendable {
    /// T, the number of diffusion steps. Default 1000 (Ho et al. 2020, §4).
    public var timesteps: Int
    /// β_min, the first beta of `linear`, `quadratic`, `scaled-linear`, `exponential` and `log`,
    /// and the lower end of `sigmoid` and `cosine-beta`. Default 1e-4 (Ho et al. 2020, §4).
    public var betaMin: Double
    /// β_max, the last beta of `linear`, `quadratic`, `scaled-linear`, `exponential` and `log`,
    /// and the upper end of `sigmoid` and `cosine-beta`. Default 0.02 (Ho et al. 2020, §4).
    public var betaMax: Double
    /// c, the scaling constant of the `log` schedule (seed 000, appendix 8.2).
    ///
    /// The seed calls c "a scaling constant" and gives no value. The default 1 is the unscaled
    /// curve: with the endpoint reading of `BetaSchedule`, c = 1 gives the weight
    /// log(1 + i) / log(1 + (T − 1)) = ln t / ln T for the paper's t = i + 1.
    /// A smaller c straightens the curve towards `linear`; a larger c front-loads the noise further.
    public var logScale: Double
    /// s, the small offset of `cosine` (Nichol & Dhariwal 2021, eq. 17) and `cosine-beta`
    /// (seed 000, appendix 8.2). Default 0.008, Nichol & Dhariwal's value.
    public var cosineOffset: Double

    public init(
        timesteps: Int = 1000,
        betaMin: Double = 1e-4,
        betaMax: Double = 0.02,
        logScale: Double = 1,
        cosineOffset: Double = 0.008
    ) {
        self.timesteps = timesteps
        self.betaMin = betaMin
        self.betaMax = betaMax
        self.logScale = logScale
        self.cosineOffset = cosineOffset
    }

    private enum CodingKeys: String, CodingKey {
        case timesteps, betaMin, betaMax, logScale, cosineOffset
    }

    public init(from decoder: any Decoder) throws {
        let defaults = ScheduleParameters()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        timesteps = try c.decodeIfPresent(Int.self, forKey: .timesteps) ?? defaults.timesteps
        betaMin = try c.decodeIfPresent(Double.self, forKey: .betaMin) ?? defaults.betaMin
        betaMax = try c.decodeIfPresent(Double.self, forKey: .betaMax) ?? defaults.betaMax
        logScale = try c.decodeIfPresent(Double.self, forKey: .logScale) ?? defaults.logScale
        cosineOffset = try c.decodeIfPresent(Double.self, forKey: .cosineOffset) ?? defaults.cosineOffset
    }

    /// Throws the first parameter that no schedule can use.
    ///
    /// Every field is checked whatever the schedule, so a config that is wrong for one
    /// schedule is wrong for all of them, and switching `--schedule` never uncovers a bad value.
    public func validate() throws {
        guard timesteps >= 2 else {
            throw ScheduleError(
                parameter: "timesteps", value: "\(timesteps)",
                requirement: "must be at least 2 (the clipped posterior log-variance at t = 1 borrows betaTilde at t = 2)")
        }
        for (name, value) in [("betaMin", betaMin), ("betaMax", betaMax),
                              ("logScale", logScale), ("cosineOffset", cosineOffset)] where !value.isFinite {
            throw ScheduleError(parameter: name, value: "\(value)", requirement: "must be a finite number")
        }
        guard betaMin > 0 else {
            throw ScheduleError(
                parameter: "betaMin", value: "\(betaMin)",
                requirement: "must be > 0 (beta is the variance of the noise each step adds)")
        }
        guard betaMax < 1 else {
            throw ScheduleError(
                parameter: "betaMax", value: "\(betaMax)",
                requirement: "must be < 1 (a step with beta = 1 discards all of x_0 and makes alphaBar 0)")
        }
        guard betaMin <= betaMax else {
            throw ScheduleError(
                parameter: "betaMin", value: "\(betaMin)", requirement: "must not exceed betaMax = \(betaMax)")
        }
        guard logScale > 0 else {
            throw ScheduleError(
                parameter: "logScale", value: "\(logScale)",
                requirement: "must be > 0 (c = 0 makes the log schedule's weight log(1)/log(1) = 0/0)")
        }
        guard cosineOffset >= 0 else {
            throw ScheduleError(
                parameter: "cosineOffset", value: "\(cosineOffset)",
                requirement: "must be >= 0 (with s < 0 the cosine rises before it falls, so the first cosine betas are negative)")
        }
    }
}
