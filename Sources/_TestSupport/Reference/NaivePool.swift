// Naive pooling and bilinear resizing in Double, written from PyTorch's definitions: the references
// for Kernels/PoolKernel.swift and Kernels/ResizeKernel.swift. Slow on purpose; tests only.

extension Naive {
    /// max_pool2d(x, k, s, p) with floor-mode output: the maximum over the in-image part of each window.
    public static func maxPool2d(x: [Float], _ shape: [Int], kernel k: Int, stride s: Int, padding p: Int) -> (values: [Double], shape: [Int]) {
        pool(x: x, shape, kernel: k, stride: s, padding: p) { window, _ in window.max()! }
    }

    /// avg_pool2d(x, k, s, p, count_include_pad): the window sum over k² or over its in-image count.
    public static func avgPool2d(x: [Float], _ shape: [Int], kernel k: Int, stride s: Int, padding p: Int,
                                 countIncludePad: Bool) -> (values: [Double], shape: [Int]) {
        pool(x: x, shape, kernel: k, stride: s, padding: p) { window, _ in
            window.reduce(0, +) / Double(countIncludePad ? k * k : window.count)
        }
    }

    private static func pool(x: [Float], _ shape: [Int], kernel k: Int, stride s: Int, padding p: Int,
                             _ reduce: ([Double], Int) -> Double) -> (values: [Double], shape: [Int]) {
        let (P, H, W) = (shape[0] * shape[1], shape[2], shape[3])
        let Ho = (H + 2 * p - k) / s + 1, Wo = (W + 2 * p - k) / s + 1
        var y = [Double](repeating: 0, count: P * Ho * Wo)
        for plane in 0..<P { for oh in 0..<Ho { for ow in 0..<Wo {
            var window: [Double] = []
            for i in 0..<k { for j in 0..<k {
                let h = oh * s - p + i, w = ow * s - p + j
                if h >= 0 && h < H && w >= 0 && w < W { window.append(Double(x[(plane * H + h) * W + w])) }
            } }
            y[(plane * Ho + oh) * Wo + ow] = reduce(window, k)
        } } }
        return (y, [shape[0], shape[1], Ho, Wo])
    }

    /// F.interpolate(x, size=(outH, outW), mode="bilinear", align_corners=False): each output pixel
    /// centre (d + ½) maps to the input coordinate (d + ½)·in/out − ½, clamped below at 0, and is
    /// interpolated linearly between its two neighbours along each axis (the last pixel repeats).
    public static func resizeBilinear(x: [Float], _ shape: [Int], height outH: Int, width outW: Int) -> [Double] {
        let (P, H, W) = (shape[0] * shape[1], shape[2], shape[3])
        func taps(_ d: Int, _ n: Int, _ m: Int) -> (Int, Int, Double) {
            let src = max((Double(d) + 0.5) * Double(n) / Double(m) - 0.5, 0)
            let lo = min(Int(src.rounded(.down)), n - 1)
            return (lo, min(lo + 1, n - 1), src - Double(lo))
        }
        var y = [Double](repeating: 0, count: P * outH * outW)
        for plane in 0..<P { for oh in 0..<outH { for ow in 0..<outW {
            let (h0, h1, a) = taps(oh, H, outH), (w0, w1, b) = taps(ow, W, outW)
            func v(_ h: Int, _ w: Int) -> Double { Double(x[(plane * H + h) * W + w]) }
            y[(plane * outH + oh) * outW + ow] = (1 - a) * ((1 - b) * v(h0, w0) + b * v(h0, w1)) + a * ((1 - b) * v(h1, w0) + b * v(h1, w1))
        } } }
        return y
    }
}
