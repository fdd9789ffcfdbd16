import TensorCore

/// Global-norm gradient clipping: when ‖g‖₂ > maxNorm, scale every gradient by maxNorm / ‖g‖₂.
/// Returns the norm before clipping (logged as the gradient norm).
@discardableResult
public func clipGradientNorm(_ parameters: ParameterSet, maxNorm: Float) -> Float {
    let norm = Float(parameters.gradients.sumOfSquares().squareRoot())
    if maxNorm > 0 && norm > maxNorm {
        // The 1e-6 guards the division as PyTorch's clip_grad_norm_ does.
        let scale = maxNorm / (norm + 1e-6)
        parameters.gradients.scale(by: scale)
    }
    return norm
}
