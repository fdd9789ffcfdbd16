import Foundation

/// Keeps freed float buffers, keyed by exact element count, for reuse.
///
/// Why exact sizes: a training or sampling step allocates the same shapes in the same order every
/// step, so after the first step nearly every allocation is served from here. The pool holds at
/// most `capacityBytes`; beyond that, buffers go back to the system.
public final class BufferPool: @unchecked Sendable {
    public static let shared = BufferPool(capacityBytes: 4 << 30)

    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    /// Bytes held in the free lists, ready for reuse.
    public private(set) var pooledBytes = 0
    private let capacityBytes: Int
    private let lock = NSLock()
    /// Bytes currently handed out to live storages, and the highest that has reached.
    public private(set) var liveBytes = 0
    public private(set) var peakLiveBytes = 0

    init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    func take(count: Int) -> UnsafeMutablePointer<Float> {
        let n = max(count, 1)
        lock.lock()
        defer { lock.unlock() }
        liveBytes += n * 4
        peakLiveBytes = max(peakLiveBytes, liveBytes)
        if var list = free[n], let p = list.popLast() {
            free[n] = list
            pooledBytes -= n * 4
            return p
        }
        // 64-byte alignment keeps AVX-512 loads in one cache line.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: n)
    }

    func give(_ p: UnsafeMutablePointer<Float>, count: Int) {
        let n = max(count, 1)
        lock.lock()
        defer { lock.unlock() }
        liveBytes -= n * 4
        if pooledBytes + n * 4 <= capacityBytes {
            free[n, default: []].append(p)
            pooledBytes += n * 4
        } else {
            UnsafeMutableRawPointer(p).deallocate()
        }
    }

    /// Returns every pooled buffer to the system (e.g. between unrelated jobs).
    public func drain() {
        lock.lock()
        defer { lock.unlock() }
        for (_, list) in free { for p in list { UnsafeMutableRawPointer(p).deallocate() } }
        free = [:]
        pooledBytes = 0
    }

    public func resetPeak() {
        lock.lock(); defer { lock.unlock() }
        peakLiveBytes = liveBytes
    }
}
