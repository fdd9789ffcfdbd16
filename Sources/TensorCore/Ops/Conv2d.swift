extension Tensor {
    /// 2-D convolution (cross-correlation, as in PyTorch), NCHW.
    ///
    /// ```
    /// y[n, co, oh, ow] = bias[co] + Σ_{ci,i,j} weight[co, ci, i, j] · x[n, ci, oh·s − p + i, ow·s − p + j]
    /// ```
    /// - Parameters:
    ///   - weight: `[Cout, Cin, kh, kw]`.
    ///   - bias: `[Cout]` or nil.
    /// - Returns: `[N, Cout, (H + 2p − kh)/s + 1, (W + 2p − kw)/s + 1]`.
    public func conv2d(_ weight: Tensor, _ bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
        let x = self
        shapeCheck(x.rank == 4, "conv2d: input \(describe(x.shape)) must be [N, C, H, W]")
        shapeCheck(weight.rank == 4, "conv2d: weight \(describe(weight.shape)) must be [Cout, Cin, kh, kw]")
        shapeCheck(x.shape[1] == weight.shape[1],
                   "conv2d: input \(describe(x.shape)) has \(x.shape[1]) channels but weight \(describe(weight.shape)) expects \(weight.shape[1])")
        shapeCheck(stride >= 1 && padding >= 0, "conv2d: stride \(stride) must be >= 1 and padding \(padding) >= 0")
        let Cout = weight.shape[0]
        if let bias {
            shapeCheck(bias.shape == [Cout], "conv2d: bias \(describe(bias.shape)) must be [\(Cout)] for weight \(describe(weight.shape))")
        }
        let g = ConvGeometry(channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                             kernelH: weight.shape[2], kernelW: weight.shape[3], stride: stride, padding: padding)
        shapeCheck(g.outH >= 1 && g.outW >= 1,
                   "conv2d: kernel \(g.kernelH)×\(g.kernelW) with padding \(padding) does not fit input \(describe(x.shape))")
        let N = x.shape[0]
        let plan = ConvPlan(g, batch: N, outChannels: Cout, workers: Parallel.workers)
        let y = Tensor.uninitialized([N, Cout, g.outH, g.outW])
        if N > 0 {
            let scratch = Tensor.uninitialized([plan.parts * plan.forwardScratchPerPart])
            Kernels.conv2dForward(plan, x: x.pointer, weight: weight.pointer, bias: bias?.pointer, y: y.pointer,
                                  scratch: scratch.pointer)
        }
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return y.recordingBackward("conv2d", inputs: inputs) { dy in
            guard N > 0 else { return }
            let scratch = Tensor.uninitialized([plan.parts * plan.backwardScratchPerPart])
            Kernels.conv2dBackward(plan, x: x.pointer, weight: weight.pointer, dy: dy.pointer,
                                   dx: x.gradForAccumulation(), dWeight: weight.gradForAccumulation(),
                                   dBias: bias?.gradForAccumulation(), scratch: scratch.pointer)
        }
    }
}
