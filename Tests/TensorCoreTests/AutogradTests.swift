import Testing
@testable import TensorCore

@Suite struct AutogradTests {
    @Test func noGradModeRecordsNothing() {
        let w = randn([3, 3], seed: 60)
        w.requiresGrad = true
        let y = withoutGrad { (w.matmul(w) * 2).silu().sum() }
        #expect(y.gradFn == nil)
        #expect(!y.needsGrad)
        let z = (w.matmul(w) * 2).silu().sum()
        #expect(z.gradFn != nil)
    }

    @Test func gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        let x = Tensor(shape: [2], values: [1, -2], requiresGrad: true)
        (x * x).sum().backward()
        #expect(x.grad!.scalars == [2, -4])
        (x * x).sum().backward()
        #expect(x.grad!.scalars == [4, -8])
        x.zeroGrad()
        #expect(x.grad!.scalars == [0, 0])
    }

    @Test func aTensorUsedTwiceReceivesBothContributions() {
        let x = Tensor(shape: [1], values: [3], requiresGrad: true)
        let y = x * x + x * 2   // dy/dx = 2x + 2 = 8
        y.sum().backward()
        #expect(x.grad!.scalars == [8])
    }

    @Test func intermediateGradientsAreReleasedAfterBackward() {
        let x = Tensor(shape: [2], values: [1, 2], requiresGrad: true)
        let h = x.silu()
        let loss = (h * h).sum()
        loss.backward()
        #expect(h.grad == nil && h.gradFn == nil)
        #expect(x.grad != nil)
    }

    @Test func convolutionBackwardIsBitwiseReproducible() {
        func grads() -> [Float] {
            let x = randn([6, 4, 9, 9], seed: 61), w = randn([5, 4, 3, 3], seed: 62)
            w.requiresGrad = true; x.requiresGrad = true
            let y = x.conv2d(w, stride: 1, padding: 1)
            (y * randn(y.shape, seed: 63)).sum().backward()
            return w.grad!.scalars + x.grad!.scalars
        }
        #expect(grads() == grads())
    }

    @Test func seededGeneratorsAreReproducibleAndStreamsDiffer() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 42, stream: 1)
        let xa = (0..<4).map { _ in a.next() }, xb = (0..<4).map { _ in b.next() }, xc = (0..<4).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
        var saved = RandomGenerator(state: a.state)
        #expect(saved.next() == a.next())
    }

    @Test func normalSamplesHaveUnitMoments() {
        let x = randn([100_000], seed: 64)
        let mean = x.mean().item(), variance = (x * x).mean().item() - mean * mean
        // Standard errors: 1/√n ≈ 0.003 for the mean, √(2/n) ≈ 0.0045 for the variance.
        #expect(abs(mean) < 0.015)
        #expect(abs(variance - 1) < 0.025)
    }

    @Test func freedBuffersAreReusedByTheNextAllocationOfTheSameSize() {
        // A private pool: the shared one is used by tests running in parallel.
        let pool = BufferPool(capacityBytes: 1 << 20)
        let p = pool.take(count: 12_345)
        #expect(pool.liveBytes == 12_345 * 4)
        pool.give(p, count: 12_345)
        #expect(pool.liveBytes == 0 && pool.pooledBytes == 12_345 * 4)
        #expect(pool.take(count: 12_345) == p)          // same size: the freed buffer comes back
        #expect(pool.pooledBytes == 0)
        #expect(pool.take(count: 12_346) != p)          // another size: a new allocation
        #expect(pool.peakLiveBytes == (12_345 + 12_346) * 4)
    }
}
