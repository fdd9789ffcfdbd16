import TensorCore

/// All of a model's parameters and gradients, each in ONE flat buffer with named views.
///
/// Why flat: the optimizer, EMA, global-norm clipping, zeroing and checkpoint I/O each become a
/// single loop over `values` / `gradients` (llm.c's layout), and a checkpoint is one memcpy.
public final class ParameterSet {
    /// Keys and shapes, in the model's `namedParameters()` order; offsets into the flat buffers.
    public let entries: [(name: String, shape: [Int], offset: Int)]
    public let values: Tensor
    public let gradients: Tensor
    private let parameters: [Parameter]

    /// Moves every parameter of `model` into the flat buffers (values are copied; each
    /// `Parameter.value` becomes a view, and its gradient a view into `gradients`).
    public init(_ model: Layer) {
        let named = model.namedParameters()
        var seen = Set<String>()
        for (name, _) in named { shapeCheck(seen.insert(name).inserted, "ParameterSet: duplicate parameter name \(name)") }
        var offset = 0
        var entries: [(String, [Int], Int)] = []
        for (name, p) in named {
            entries.append((name, p.shape, offset))
            offset += p.value.count
        }
        self.entries = entries
        values = Tensor.zeros([offset])
        gradients = Tensor.zeros([offset])
        parameters = named.map(\.1)
        for ((_, shape, off), p) in zip(entries, parameters) {
            let v = Tensor.view(of: values, offset: off, shape: shape)
            v.copy(from: p.value)
            v.requiresGrad = true
            v.grad = Tensor.view(of: gradients, offset: off, shape: shape)
            p.value = v
        }
    }

    public var count: Int { values.count }

    /// Zeroes every gradient (one fill).
    public func zeroGradients() { gradients.fill(0) }

    /// The view of parameter `name`, if present.
    public func tensor(named name: String) -> Tensor? {
        guard let i = entries.firstIndex(where: { $0.name == name }) else { return nil }
        return parameters[i].value
    }
}
