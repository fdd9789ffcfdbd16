/// A seeded xoshiro256** generator with explicit, saveable state.
///
/// Streams: `RandomGenerator(seed:stream:)` derives independent generators from one seed, so each
/// image can draw its noise from its own stream and results do not depend on batch size.
///
/// ### References
/// 1. Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018.
public struct RandomGenerator: RandomNumberGenerator, Codable, Equatable, Sendable {
    public private(set) var state: [UInt64]

    public init(seed: UInt64, stream: UInt64 = 0) {
        // SplitMix64 expands (seed, stream) into the 256-bit state, as the xoshiro authors advise.
        var x = seed &+ stream &* 0xD1B5_4A32_D192_ED03
        var s = [UInt64](repeating: 0, count: 4)
        for i in 0..<4 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            s[i] = z ^ (z >> 31)
        }
        state = s
    }

    /// Restores a generator from a saved `state` (four words).
    public init(state: [UInt64]) {
        precondition(state.count == 4, "RandomGenerator(state:) needs 4 words")
        self.state = state
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotl(state[3], 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// Fills `buffer` with standard normal samples (Box–Muller in Double; pairs, so an odd count
    /// discards one value and the stream position depends only on the count).
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>) {
        var i = 0
        while i < buffer.count {
            // 1 - u keeps the logarithm's argument in (0, 1].
            let u1 = 1.0 - nextDouble(), u2 = nextDouble()
            let r = (-2.0 * _log(u1)).squareRoot()
            let theta = 2.0 * Double.pi * u2
            buffer[i] = Float(r * _cos(theta))
            if i + 1 < buffer.count { buffer[i + 1] = Float(r * _sin(theta)) }
            i += 2
        }
    }

    /// Uniform integer in `0..<upperBound`.
    public mutating func nextInt(below upperBound: Int) -> Int { Int.random(in: 0..<upperBound, using: &self) }
}

import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Foundation.sin(x) }
