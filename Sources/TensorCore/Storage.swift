// Reference-counted float32 buffers. Freed buffers go back to `BufferPool` instead of the
// allocator, so a training step reuses the previous step's memory (shapes repeat exactly).

/// Where a storage's memory lives. Only host memory exists today; a second backend adds a case
/// here, and kernels dispatch on it.
public enum Device: Sendable, Equatable {
    case cpu
}

/// A contiguous float32 allocation shared by a tensor and its views.
public final class Storage: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    public let count: Int
    public let device: Device = .cpu

    /// Uninitialized memory of `count` floats (from the pool when a buffer of that size is free).
    init(uninitializedCount count: Int) {
        self.count = count
        self.base = BufferPool.shared.take(count: count)
    }

    deinit { BufferPool.shared.give(base, count: count) }
}
