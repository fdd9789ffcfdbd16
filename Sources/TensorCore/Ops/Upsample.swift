extension Tensor {
    /// Nearest-neighbour 2× upsampling of `[N, C, H, W]` to `[N, C, 2H, 2W]`.
    /// Backward: each input pixel receives the sum of its 2×2 block's gradients.
    public func upsampledNearest2x() -> Tensor {
        let x = self
        shapeCheck(rank == 4, "upsampledNearest2x: input \(describe(shape)) must be [N, C, H, W]")
        let planes = shape[0] * shape[1], H = shape[2], W = shape[3]
        let y = Tensor.uninitialized([shape[0], shape[1], 2 * H, 2 * W])
        let X = SharedPointer(x.pointer), Y = SharedPointer(y.pointer)
        Parallel.forRange(planes, grain: max(1, 16_384 / max(H * W, 1))) { r in
            for p in r {
                let src = X.p + p * H * W, dst = Y.p + p * 4 * H * W
                for i in 0..<H {
                    let row0 = dst + (2 * i) * 2 * W
                    for j in 0..<W { let v = src[i * W + j]; row0[2 * j] = v; row0[2 * j + 1] = v }
                    (row0 + 2 * W).update(from: row0, count: 2 * W)
                }
            }
        }
        return y.recordingBackward("upsampleNearest2x", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            let DY = SharedPointer(dy.pointer), DX = SharedPointer(dx)
            Parallel.forRange(planes, grain: max(1, 16_384 / max(H * W, 1))) { r in
                for p in r {
                    let src = DY.p + p * 4 * H * W, dst = DX.p + p * H * W
                    for i in 0..<H {
                        let r0 = src + (2 * i) * 2 * W, r1 = r0 + 2 * W
                        for j in 0..<W { dst[i * W + j] += r0[2 * j] + r0[2 * j + 1] + r1[2 * j] + r1[2 * j + 1] }
                    }
                }
            }
        }
    }
}
