extension Tensor {
    /// Reverse-mode differentiation from this scalar: fills `grad` of every leaf with
    /// `requiresGrad` that it depends on (accumulating into what is there).
    ///
    /// The graph is consumed: intermediate gradients and saved tensors are released as soon as
    /// their backward has run, so peak memory stays near the forward pass's.
    public func backward() {
        shapeCheck(count == 1, "backward(): called on a tensor of shape \(describe(shape)); it must have one element (a loss)")
        guard needsGrad else { return }
        let order = topologicalOrder()
        gradForAccumulation()![0] += 1
        for t in order.reversed() {
            guard let fn = t.gradFn else { continue }
            if let dy = t.grad { fn.backward(dy) }
            t.gradFn = nil
            if !t.requiresGrad { t.grad = nil }
        }
    }

    /// Tensors reachable through `gradFn`, each after all of its inputs (iterative DFS: a deep
    /// UNet graph must not exhaust the stack).
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (t, next) = stack.popLast() {
            let inputs = t.gradFn?.inputs ?? []
            if next < inputs.count {
                stack.append((t, next + 1))
                let child = inputs[next]
                if child.gradFn != nil, visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(t)
            }
        }
        return order
    }
}
