import Foundation

/// Expected Improvement for minimization (seed 000 §4.3, Mockus; Jones et al. 1998):
///
///   EI(x) = E[max(0, f⁺ − f(x))] = (f⁺ − μ) Φ(z) + σ φ(z),  z = (f⁺ − μ)/σ,
///
/// with f⁺ the best (lowest) value observed and f(x) ~ N(μ, σ²) the GP posterior.
public enum ExpectedImprovement {
    public static func value(mean: Double, variance: Double, best: Double) -> Double {
        let sigma = max(variance, 0).squareRoot()
        let gap = best - mean
        guard sigma > 1e-12 else { return max(0, gap) }
        let z = gap / sigma
        let cdf = 0.5 * erfc(-z / 2.0.squareRoot())
        let pdf = exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
        return max(0, gap * cdf + sigma * pdf)
    }
}
