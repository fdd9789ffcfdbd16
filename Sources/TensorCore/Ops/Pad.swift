extension Tensor {
    /// Zero padding of the last two axes of `[N, C, H, W]`: `[N, C, H + top + bottom, W + left + right]`.
    /// Backward crops the gradient back to the input window.
    public func padded2d(top: Int = 0, bottom: Int = 0, left: Int = 0, right: Int = 0) -> Tensor {
        let x = self
        shapeCheck(rank == 4 && min(top, bottom, left, right) >= 0,
                   "padded2d: input \(describe(shape)) must be [N, C, H, W] and padding non-negative")
        let planes = shape[0] * shape[1], H = shape[2], W = shape[3]
        let Ho = H + top + bottom, Wo = W + left + right
        let y = Tensor.zeros([shape[0], shape[1], Ho, Wo])
        Kernels.pad2dForward(x: x.pointer, planes: planes, H: H, W: W, y: y.pointer, Ho: Ho, Wo: Wo, top: top, left: left)
        return y.recordingBackward("padded2d", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            Kernels.pad2dBackward(dy: dy.pointer, Ho: Ho, Wo: Wo, top: top, left: left, dx: dx, planes: planes, H: H, W: W)
        }
    }
}
