import Testing
@testable import TensorCore

/// The OpenBLAS kernel-set choice and the FMA peak loop.
@Suite struct BLASCoreTests {
    @Test func asksForAVX512KernelsOnlyWhenOpenBLASFellBackToAVX2OnAnAVX512CPU() {
        #expect(BLASCore.preferredCore(environment: [:], loaded: "Haswell", isa: 2) == "SkylakeX")
        #expect(BLASCore.preferredCore(environment: [:], loaded: "Zen", isa: 2) == "SkylakeX")
        // Already wide, or a CPU without AVX-512: keep OpenBLAS's choice.
        #expect(BLASCore.preferredCore(environment: [:], loaded: "SkylakeX", isa: 2) == nil)
        #expect(BLASCore.preferredCore(environment: [:], loaded: "Haswell", isa: 1) == nil)
        // The user's OPENBLAS_CORETYPE wins (and a re-executed process sees it set, so it never loops).
        #expect(BLASCore.preferredCore(environment: ["OPENBLAS_CORETYPE": "Haswell"], loaded: "Haswell", isa: 2) == nil)
    }

    @Test func fmaLoopCountsTwoOperationsPerLanePerAccumulator() {
        let lanes = ["sse2": 4.0, "avx2": 8.0, "avx512": 16.0][BLASCore.cpuISA]!
        let flops = FMAPeak.run(iterationsPerThread: 1000)
        #expect(flops == Double(Parallel.workers) * 1000 * 12 * lanes * 2)
    }
}
