extension Tensor {
    /// Nearest-neighbour 2× upsampling of `[N, C, H, W]` to `[N, C, 2H, 2W]`.
    /// Backward: each input pixel receives the sum of its 2×2 block's gradients.
    public func upsampledNearest2x() -> Tensor {
        let x = self
        shapeCheck(rank == 4, "upsampledNearest2x: input \(describe(shape)) must be [N, C, H, W]")
        let planes = shape[0] * shape[1], H = shape[2], W = shape[3]
        let y = Tensor.uninitialized([shape[0], shape[1], 2 * H, 2 * W])
        Kernels.upsampleNearest2xForward(x: x.pointer, y: y.pointer, planes: planes, H: H, W: W)
        return y.recordingBackward("upsampleNearest2x", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            Kernels.upsampleNearest2xBackward(dy: dy.pointer, dx: dx, planes: planes, H: H, W: W)
        }
    }
}
