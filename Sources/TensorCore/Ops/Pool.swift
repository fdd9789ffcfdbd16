extension Tensor {
    /// 2-D max pooling of `[N, C, H, W]` over square `kernel × kernel` windows, as PyTorch's
    /// `max_pool2d(ceil_mode=False)`: padding is never the maximum (it acts as −∞).
    ///
    /// ```
    /// y[n, c, oh, ow] = max_{0 ≤ i, j < k, in image} x[n, c, oh·s − p + i, ow·s − p + j]
    /// ```
    /// Backward: each window's gradient goes to its first largest element.
    /// - Parameters:
    ///   - stride: defaults to `kernel` (non-overlapping windows), as in PyTorch.
    ///   - padding: at most `kernel / 2`, so every window holds an image element.
    /// - Returns: `[N, C, (H + 2p − k)/s + 1, (W + 2p − k)/s + 1]`.
    public func maxPooled2d(kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        let x = self
        let g = poolGeometry("maxPooled2d", kernel: kernel, stride: stride ?? kernel, padding: padding)
        let y = Tensor.uninitialized([shape[0], shape[1], g.outH, g.outW])
        Kernels.maxPool2dForward(g, x: x.pointer, y: y.pointer)
        return y.recordingBackward("maxPool2d", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() { Kernels.maxPool2dBackward(g, x: x.pointer, dy: dy.pointer, dx: dx) }
        }
    }

    /// 2-D average pooling of `[N, C, H, W]` over square `kernel × kernel` windows, as PyTorch's
    /// `avg_pool2d(ceil_mode=False)`.
    ///
    /// ```
    /// y[n, c, oh, ow] = Σ_{window, in image} x[n, c, oh·s − p + i, ow·s − p + j] / d
    /// d = k²                                  when countIncludePad (PyTorch's default)
    /// d = number of in-image window elements  otherwise (TensorFlow's "SAME" pooling)
    /// ```
    /// - Parameters:
    ///   - stride: defaults to `kernel`.
    ///   - padding: at most `kernel / 2`.
    /// - Returns: `[N, C, (H + 2p − k)/s + 1, (W + 2p − k)/s + 1]`.
    public func avgPooled2d(kernel: Int, stride: Int? = nil, padding: Int = 0, countIncludePad: Bool = true) -> Tensor {
        let x = self
        let g = poolGeometry("avgPooled2d", kernel: kernel, stride: stride ?? kernel, padding: padding)
        let y = Tensor.uninitialized([shape[0], shape[1], g.outH, g.outW])
        Kernels.avgPool2dForward(g, countIncludePad: countIncludePad, x: x.pointer, y: y.pointer)
        return y.recordingBackward("avgPool2d", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() {
                Kernels.avgPool2dBackward(g, countIncludePad: countIncludePad, dy: dy.pointer, dx: dx)
            }
        }
    }

    private func poolGeometry(_ op: String, kernel: Int, stride: Int, padding: Int) -> PoolGeometry {
        shapeCheck(rank == 4, "\(op): input \(describe(shape)) must be [N, C, H, W]")
        shapeCheck(kernel >= 1 && stride >= 1 && padding >= 0 && 2 * padding <= kernel,
                   "\(op): kernel \(kernel), stride \(stride), padding \(padding): need kernel, stride >= 1 and 0 <= padding <= kernel/2")
        let g = PoolGeometry(planes: shape[0] * shape[1], height: shape[2], width: shape[3],
                             kernel: kernel, stride: stride, padding: padding)
        shapeCheck(shape[2] + 2 * padding >= kernel && shape[3] + 2 * padding >= kernel,
                   "\(op): kernel \(kernel) with padding \(padding) does not fit input \(describe(shape))")
        return g
    }
}
