import Testing
@testable import TensorCore
import _TestSupport

/// The per-ISA C GroupNorm kernels (what `groupNorm` runs) against the Swift reference kernels,
/// forward and backward, with and without the fused SiLU, on the UNet's channel lengths (49, 196,
/// 784, 1024: whole vectors and tails) and an awkward one (7: tail only), on inputs with a large
/// common offset so that a variance that cancels would show.
@Suite struct GroupNormKernelTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let n: Int, c: Int, g: Int, l: Int
        var testDescription: String { "N=\(n) C=\(c) G=\(g) L=\(l)" }
    }

    static let cases = [Case(n: 2, c: 8, g: 4, l: 49), Case(n: 2, c: 16, g: 8, l: 196), Case(n: 1, c: 16, g: 8, l: 784),
                        Case(n: 1, c: 32, g: 8, l: 1024), Case(n: 3, c: 6, g: 3, l: 7)]

    /// Runs forward then backward through either kernel pair; returns y, mean, rstd, dx, partials.
    func run(_ k: Case, silu: Bool, reference: Bool) -> [[Float]] {
        let s = GroupNormShape(N: k.n, C: k.c, L: k.l, G: k.g)
        let x = randn([k.n * k.c * k.l], seed: 60) * 3 + 50
        let gamma = randn([k.c], seed: 61), beta = randn([k.c], seed: 62), dy = randn([k.n * k.c * k.l], seed: 63)
        let y = Tensor.zeros([k.n * k.c * k.l]), stats = Tensor.zeros([2 * k.n * k.g])
        let dx = randn([k.n * k.c * k.l], seed: 64), partials = Tensor.zeros([2 * k.n * k.c])
        let scratch = Tensor.zeros([Kernels.groupNormBackwardScratchCount(s, silu: silu)])
        let mean = stats.pointer, rstd = stats.pointer + k.n * k.g
        if reference {
            Kernels.groupNormForwardReference(s, eps: 1e-5, silu: silu, x: x.pointer, gamma: gamma.pointer, beta: beta.pointer,
                                              y: y.pointer, mean: mean, rstd: rstd)
            Kernels.groupNormBackwardReference(s, silu: silu, x: x.pointer, gamma: gamma.pointer, beta: beta.pointer, mean: mean,
                                               rstd: rstd, dy: dy.pointer, dx: dx.pointer, partialGamma: partials.pointer,
                                               partialBeta: partials.pointer + k.n * k.c, scratch: scratch.pointer)
        } else {
            Kernels.groupNormForward(s, eps: 1e-5, silu: silu, x: x.pointer, gamma: gamma.pointer, beta: beta.pointer,
                                     y: y.pointer, mean: mean, rstd: rstd)
            Kernels.groupNormBackward(s, silu: silu, x: x.pointer, gamma: gamma.pointer, beta: beta.pointer, mean: mean,
                                      rstd: rstd, dy: dy.pointer, dx: dx.pointer, partialGamma: partials.pointer,
                                      partialBeta: partials.pointer + k.n * k.c, scratch: scratch.pointer)
        }
        return [y.scalars, stats.scalars, dx.scalars, partials.scalars]
    }

    @Test(arguments: cases, [false, true])
    func vectorKernelsMatchTheSwiftReference(_ k: Case, silu: Bool) {
        let fast = run(k, silu: silu, reference: false), ref = run(k, silu: silu, reference: true)
        // The partials are Float sums of up to 1024 terms of size ~1 that cancel to ~0.1, added in
        // 16 lanes here and 8 in the reference: each is off the exact sum by ~1e-5, hence their atol.
        for (name, i, atol) in [("y", 0, Float(1e-5)), ("mean, rstd", 1, 1e-5), ("dx", 2, 1e-5), ("dgamma, dbeta partials", 3, 1e-4)] {
            let m = mismatch(fast[i], ref[i], rtol: 1e-5, atol: atol)
            #expect(m == nil, "\(name): \(m ?? "")")
        }
    }

    @Test func vectorKernelsAreDeterministic() {
        let k = GroupNormKernelTests.cases[1]
        #expect(run(k, silu: true, reference: false) == run(k, silu: true, reference: false))
    }
}
