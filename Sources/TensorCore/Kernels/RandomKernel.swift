// Per-image random draws: image i of a batch takes its values from its own generator, so an
// image never depends on which other images share its batch.

extension Kernels {
    /// x: `[B, per]`; row i is filled with standard normal values from `generators[i]`.
    static func fillNormalPerRow(_ x: UnsafeMutablePointer<Float>, per: Int, generators: inout [RandomGenerator]) {
        for i in generators.indices {
            generators[i].fillNormal(UnsafeMutableBufferPointer(start: x + i * per, count: per))
        }
    }
}
