import Foundation

// Softmax cross-entropy over rows of logits, the classifier loss of the evaluation feature net.
// Shapes: logits [N, K] (row-major), labels N class indices in 0..<K.

extension Kernels {
    // MARK: - Forward

    /// Writes p = softmax(logits) row by row into `probabilities` (kept for the backward pass) and
    /// returns Σₙ −log p[n, labelₙ] in Double.
    ///
    /// −log p_y is formed as (log Σⱼ exp(xⱼ − m)) − (x_y − m), not as −log of the rounded p_y:
    /// a confident wrong prediction gives p_y = 0 in Float, whose log would be −∞.
    static func crossEntropyForward(logits: UnsafePointer<Float>, labels: [Int], rows: Int, classes k: Int,
                                    probabilities: UnsafeMutablePointer<Float>) -> Double {
        var total = 0.0
        for n in 0..<rows {
            let x = logits + n * k, p = probabilities + n * k
            let m = maximum(x, count: k)   // subtracting the max keeps exp from overflowing
            for j in 0..<k { p[j] = exp(x[j] - m) }
            let z = sumInDouble(p, count: k)
            let inverse = Float(1 / z)
            for j in 0..<k { p[j] *= inverse }
            total += Foundation.log(z) - Double(x[labels[n]] - m)
        }
        return total
    }

    // MARK: - Backward

    /// dlogits[n, j] += scale · (p[n, j] − [j = labelₙ]), with scale = dy / N for the mean loss.
    static func crossEntropyBackward(probabilities: UnsafePointer<Float>, labels: [Int], rows: Int, classes k: Int,
                                     scale: Float, dLogits: UnsafeMutablePointer<Float>) {
        for n in 0..<rows {
            let p = probabilities + n * k, d = dLogits + n * k
            for j in 0..<k { d[j] += scale * p[j] }
            d[labels[n]] -= scale
        }
    }
}
