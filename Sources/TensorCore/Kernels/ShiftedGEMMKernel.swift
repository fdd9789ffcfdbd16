import CKernels

// Implicit im2col for `ConvGeometry.isShift` convolutions (stride 1, output rows as wide as the
// input's): tap (i, j) of output position l reads x[l + (i − p)·W + (j − p)] of each channel plane,
// so `ddpm_sgemm_shifted` loads B's vectors straight from the image, with lane masks for the taps
// that fall outside it, and the K×L col matrix (written, then read back: 7% of a tiny training
// step in im2col and 10% in its copies, by `perf`) is never made.

/// Each tap's flat offset and, per panel of the kernel's columns and per tap, the 16-lane masks of
/// the output positions whose tap lies inside the image (`ddpm_sgemm_shifted`'s `masks`).
struct ShiftedTaps {
    let g: ConvGeometry
    let offsets: [Int]
    let masks: [UInt16]

    init(_ g: ConvGeometry) {
        precondition(g.isShift, "ShiftedTaps needs a stride-1 geometry with output rows as wide as the input's")
        self.g = g
        let (kw, p, H, W, L) = (g.kernelW, g.padding, g.height, g.width, g.L)
        let taps = g.kernelH * kw
        offsets = (0..<taps).map { t in (t / kw - p) * W + (t % kw - p) }
        let columns = Int(ddpm_sgemm_panel_columns()), vectors = Int(ddpm_sgemm_panel_vectors())
        let panels = (L + columns - 1) / columns
        var masks = [UInt16](repeating: 0, count: panels * taps * vectors)
        for l in 0..<L {
            let (oh, ow) = (l / W, l % W)
            let (panel, v, lane) = (l / columns, (l % columns) / 16, l % 16)
            for t in 0..<taps {
                let ih = oh + t / kw - p, iw = ow + t % kw - p
                if ih >= 0 && ih < H && iw >= 0 && iw < W { masks[(panel * taps + t) * vectors + v] |= 1 << lane }
            }
        }
        self.masks = masks
    }
}

extension Kernels {
    /// C[m×L] = (accumulate ? C : 0) + A[m × channels·taps] · im2col(x) for one image x of
    /// `channels` planes of `taps.g`'s size, without making im2col(x). Equals `directGemm` on
    /// the explicit col to the bit.
    static func shiftedGemm(_ taps: ShiftedTaps, channels: Int, m: Int, a: UnsafePointer<Float>, lda: Int,
                            x: UnsafePointer<Float>, accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int) {
        taps.offsets.withUnsafeBufferPointer { offsets in
            taps.masks.withUnsafeBufferPointer { masks in
                ddpm_sgemm_shifted(m, taps.g.L, channels, taps.g.height * taps.g.width, taps.offsets.count, offsets.baseAddress,
                                   masks.baseAddress, a, lda, x, c, ldc, accumulate ? 1 : 0)
            }
        }
    }
}
