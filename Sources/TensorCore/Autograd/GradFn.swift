/// The backward rule of one op application: its inputs and a closure that receives the
/// gradient of the op's output (`dy`) and ACCUMULATES (`+=`) into the inputs' gradients.
final class GradFn {
    let name: String
    let inputs: [Tensor]
    let backward: (_ dy: Tensor) -> Void

    init(name: String, inputs: [Tensor], backward: @escaping (_ dy: Tensor) -> Void) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

extension Tensor {
    /// Attaches `backward` to this freshly computed output when grad mode is on and some input
    /// needs a gradient; otherwise attaches nothing, so no closure or saved tensor survives.
    /// The closure must not capture `self` (that would be a retain cycle); capture `detached()`.
    @discardableResult
    func recordingBackward(_ name: String, inputs: [Tensor], _ backward: @escaping (_ dy: Tensor) -> Void) -> Tensor {
        if GradMode.isEnabled && inputs.contains(where: { $0.needsGrad }) {
            gradFn = GradFn(name: name, inputs: inputs, backward: backward)
        }
        return self
    }

    /// Pointer to this tensor's gradient for accumulation, creating a zeroed gradient if needed.
    /// Returns nil when no gradient should flow here (the input does not need one).
    func gradForAccumulation() -> UnsafeMutablePointer<Float>? {
        guard needsGrad else { return nil }
        if grad == nil { grad = Tensor.zeros(shape) }
        return grad!.pointer
    }
}
