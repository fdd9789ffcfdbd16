// Namespace for the loops over raw buffers. Kernels never allocate tensors and never touch
// autograd; backward kernels ACCUMULATE into their gradient outputs. Unsafe pointers stay here
// and in the thin `Ops/` layer that calls these functions.

/// Forward/backward loops over float buffers, shapes passed as `Int`s.
enum Kernels {}

/// A raw pointer that may cross into Dispatch workers; each worker writes a disjoint range.
struct SharedPointer: @unchecked Sendable {
    let p: UnsafeMutablePointer<Float>
    init(_ p: UnsafeMutablePointer<Float>) { self.p = p }
}
