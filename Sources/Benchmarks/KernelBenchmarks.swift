import TensorCore

/// The tensor-core benchmarks of issue 2: one conv-shaped GEMM and one conv layer's
/// forward + backward, both at the UNet's 28×28, 64-channel scale.
public enum KernelBenchmarks {
    /// sgemm at M = 64, K = 576, N = 50176 (= 64 images × 28 × 28): a 64→64 3×3 conv as one GEMM.
    public static func gemm(repeats: Int) -> BenchMeasurement {
        let (m, k, n) = (64, 576, 50_176)
        var g = RandomGenerator(seed: 1)
        let a = Tensor.randn([m, k], using: &g), b = Tensor.randn([k, n], using: &g)
        return withoutGrad {
            measure("sgemm 64×576 · 576×50176", flops: 2 * Double(m * k * n), repeats: repeats) { _ = a.matmul(b) }
        }
    }

    /// conv2d 64→64, 3×3, padding 1, on [64, 64, 28, 28]: forward, then backward to x, weight and bias.
    /// FLOPs counted: the three GEMMs (forward, data gradient, weight gradient), 2·N·Cout·K·L each.
    public static func conv2dForwardBackward(repeats: Int) -> BenchMeasurement {
        let (N, C, H, W) = (64, 64, 28, 28)
        var g = RandomGenerator(seed: 2)
        let x = Tensor.randn([N, C, H, W], using: &g, requiresGrad: true)
        let w = Tensor.randn([C, C, 3, 3], using: &g, requiresGrad: true) * 0.05
        w.requiresGrad = true
        let weight = w.detached(); weight.requiresGrad = true
        let bias = Tensor.zeros([C], requiresGrad: true)
        let dy = Tensor.randn([N, C, H, W], using: &g)
        let flops = 3 * 2 * Double(N * C * (C * 9) * (H * W))
        return measure("conv2d 64→64 3×3 28×28 ×64 fwd+bwd", flops: flops, images: N, repeats: repeats) {
            let y = x.conv2d(weight, bias, padding: 1)
            (y * dy).sum().backward()
        }
    }

    /// The FMA loop of `FMAPeak` on every worker: this machine's fp32 peak, for the share-of-peak column.
    public static func fmaPeak(repeats: Int) -> BenchMeasurement {
        let iterations = 20_000_000
        let flops = FMAPeak.run(iterationsPerThread: 1)   // warms the threads; gives the per-run count / iterations
        return measure("FMA loop (\(BLASCore.cpuISA), \(Parallel.workers) threads)", flops: flops * Double(iterations),
                       repeats: repeats) {
            _ = FMAPeak.run(iterationsPerThread: iterations)
        }
    }
}
