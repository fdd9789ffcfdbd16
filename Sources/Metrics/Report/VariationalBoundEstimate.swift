/// The variational bound on the negative log-likelihood (Ho et al. 2020, eq. 5 and Table 2), in
/// bits per dimension, averaged over test images.
public struct VariationalBoundEstimate: Codable, Equatable, Sendable {
    /// E[L_T + Σ_{t>1} L_{t−1} + L_0] / (D · ln 2).
    public let bitsPerDimension: Double
    /// Standard error of the mean over images.
    public let standardError: Double
    /// The prior term L_T and the decoder term L_0, bits/dim (the rest is the sum of L_{t−1}).
    public let priorBitsPerDimension: Double
    public let decoderBitsPerDimension: Double
    public let images: Int
    public let timesteps: Int
    /// The reverse-process variance used ("beta" or "beta-tilde").
    public let variance: String

    public init(bitsPerDimension: Double, standardError: Double, priorBitsPerDimension: Double, decoderBitsPerDimension: Double,
                images: Int, timesteps: Int, variance: String) {
        self.bitsPerDimension = bitsPerDimension
        self.standardError = standardError
        self.priorBitsPerDimension = priorBitsPerDimension
        self.decoderBitsPerDimension = decoderBitsPerDimension
        self.images = images
        self.timesteps = timesteps
        self.variance = variance
    }
}
