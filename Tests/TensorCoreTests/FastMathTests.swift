import Foundation
import Testing
@testable import TensorCore

/// The vectorizable exp used by SiLU, sigmoid and softmax, against the C library's expf.
@Suite struct FastMathTests {
    /// Distance in units in the last place between two positive finite floats.
    func ulps(_ a: Float, _ b: Float) -> Int { abs(Int(a.bitPattern) - Int(b.bitPattern)) }

    @Test func expIsWithinOneUlpOfTheCLibraryOverItsRange() {
        var worst = 0, worstAt: Float = 0
        var x: Float = -87.3
        while x <= 88.3 {
            let u = ulps(Kernels.exp(x), Foundation.exp(x))
            if u > worst { worst = u; worstAt = x }
            x += 0.0137   // about 12,900 points, not aligned to any power of two
        }
        for x in stride(from: Float(-1e-3), through: 1e-3, by: 1.3e-6) {
            let u = ulps(Kernels.exp(x), Foundation.exp(x))
            if u > worst { worst = u; worstAt = x }
        }
        #expect(worst <= 1, "worst error \(worst) ulp at x = \(worstAt)")
    }

    @Test func expSaturatesOutsideItsRange() {
        #expect(Kernels.exp(0) == 1)
        #expect(Kernels.exp(-100) == 0)
        #expect(Kernels.exp(100) == .infinity)
        #expect(Kernels.exp(-.infinity) == 0)
    }
}
