// Namespace for the loops over raw buffers. Kernels never allocate tensors and never touch
// autograd; backward kernels ACCUMULATE into their gradient outputs. Every loop over a raw
// buffer lives in this folder: the `Ops/` layer checks shapes, allocates outputs, passes
// pointers and records backward closures, but loops over no element. A second backend, or a
// faster kernel, changes this folder only.

/// Forward/backward loops over float buffers, shapes passed as `Int`s.
enum Kernels {}

/// A raw pointer that may cross into Dispatch workers; each worker writes a disjoint range.
struct SharedPointer: @unchecked Sendable {
    let p: UnsafeMutablePointer<Float>
    init(_ p: UnsafeMutablePointer<Float>) { self.p = p }
}
