/// A seeded xoshiro256** generator with explicit, saveable state.
///
/// Streams: `RandomGenerator(seed:stream:)` derives independent generators from one seed, so each
/// image can draw its noise from its own stream and results do not depend on batch size.
///
/// ### References
/// 1. Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018.
public struct RandomGenerator: RandomNumberGenerator, Codable, Equatable, Sendable {
    // Four scalars rather than an array: `next()` runs once per dropout element, and array
    // accesses there cost a uniqueness and a bounds check each.
    private var s0, s1, s2, s3: UInt64

    /// The 256-bit state as four words (what a checkpoint saves).
    public var state: [UInt64] { [s0, s1, s2, s3] }

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
        (s0, s1, s2, s3) = (s[0], s[1], s[2], s[3])
    }

    /// Restores a generator from a saved `state` (four words).
    public init(state: [UInt64]) {
        shapeCheck(state.count == 4, "RandomGenerator(state:) needs 4 words, got \(state.count)")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    // Encoded as `{"state": [w0, w1, w2, w3]}`, as when the state was stored as an array.
    private enum CodingKeys: String, CodingKey { case state }

    public init(from decoder: Decoder) throws {
        let words = try decoder.container(keyedBy: CodingKeys.self).decode([UInt64].self, forKey: .state)
        guard words.count == 4 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "RandomGenerator state needs 4 words, got \(words.count)"))
        }
        self.init(state: words)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(state, forKey: .state)
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// Fills `buffer` with standard normal samples (Box–Muller in Double; pairs, so an odd count
    /// discards one value and the stream position depends only on the count).
    mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>) {
        guard let base = buffer.baseAddress else { return }
        Kernels.fillNormal(base, count: buffer.count, using: &self)
    }

    /// Uniform integer in `0..<upperBound`.
    public mutating func nextInt(below upperBound: Int) -> Int { Int.random(in: 0..<upperBound, using: &self) }
}
