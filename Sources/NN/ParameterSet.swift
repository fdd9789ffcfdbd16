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

    // MARK: - Named loading and saving

    /// The tensors of a buffer laid out like `values` (the weights themselves, an EMA shadow),
    /// keyed by parameter name: what a checkpoint stores.
    public func namedValues(of flat: Tensor) -> [String: NamedTensorData] {
        shapeCheck(flat.count == count, "ParameterSet.namedValues(of:): buffer of \(flat.count) values for \(count) parameters")
        var out: [String: NamedTensorData] = [:]
        for e in entries {
            out[e.name] = NamedTensorData(shape: e.shape, values: flat.scalars(in: e.offset..<(e.offset + e.shape.reduce(1, *))))
        }
        return out
    }

    /// The current weights keyed by parameter name.
    public func stateDict() -> [String: NamedTensorData] { namedValues(of: values) }

    /// Copies `state` into `flat` (laid out like `values`; by default the weights themselves).
    /// Strict, as `Layer.load`: every parameter present with its exact shape, nothing else.
    public func load(_ state: [String: NamedTensorData], into flat: Tensor? = nil) throws {
        let target = flat ?? values
        shapeCheck(target.count == count, "ParameterSet.load(_:into:): buffer of \(target.count) values for \(count) parameters")
        try StateLoadError.check(state, fits: entries.map { ($0.name, $0.shape) })
        for e in entries { target.copy(from: state[e.name]!.values, at: e.offset) }
    }

    /// Runs `body` with the model's weights replaced by `flat` (e.g. the EMA shadow), then puts
    /// the weights back bit for bit. No spare model and no copy through arrays: the two buffers
    /// swap contents, twice (so `flat` holds the weights while `body` runs).
    public func withValues<R>(_ flat: Tensor, _ body: () throws -> R) rethrows -> R {
        shapeCheck(flat.count == count, "ParameterSet.withValues: buffer of \(flat.count) values for \(count) parameters")
        values.swapContents(with: flat)
        defer { values.swapContents(with: flat) }
        return try body()
    }

    /// The view of parameter `name`, if present.
    public func tensor(named name: String) -> Tensor? {
        guard let i = entries.firstIndex(where: { $0.name == name }) else { return nil }
        return parameters[i].value
    }
}
