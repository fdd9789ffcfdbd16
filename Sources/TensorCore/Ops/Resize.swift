extension Tensor {
    /// Bilinear resize of `[N, C, H, W]` to `[N, C, height, width]`, as PyTorch's
    /// `F.interpolate(x, size=(height, width), mode="bilinear", align_corners=False)` (no antialiasing:
    /// shrinking samples rather than averages). The formula is in `Kernels/ResizeKernel.swift`.
    ///
    /// pytorch-fid resizes every image to 299×299 this way before its Inception-v3.
    /// Backward spreads each output gradient onto its four source pixels with the same weights.
    public func resizedBilinear(height: Int, width: Int) -> Tensor {
        let x = self
        shapeCheck(rank == 4, "resizedBilinear: input \(describe(shape)) must be [N, C, H, W]")
        shapeCheck(height >= 1 && width >= 1 && shape[2] >= 1 && shape[3] >= 1,
                   "resizedBilinear: cannot resize \(describe(shape)) to \(height)×\(width)")
        let g = ResizeGeometry(planes: shape[0] * shape[1], inH: shape[2], inW: shape[3], outH: height, outW: width)
        let y = Tensor.uninitialized([shape[0], shape[1], height, width])
        Kernels.resizeBilinearForward(g, x: x.pointer, y: y.pointer)
        return y.recordingBackward("resizeBilinear", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() { Kernels.resizeBilinearBackward(g, dy: dy.pointer, dx: dx) }
        }
    }
}
