import DataIO
import Dispatch

/// Gathers the next training batch (bytes → Float, flips) on a background queue while the current
/// step computes, so page faults on a memory-mapped dataset and the conversion never stall the model.
/// The batch depends only on its plan, never on timing: prefetched or not, the values are identical.
final class BatchPrefetcher {
    struct Plan: Equatable {
        let indices: [Int]
        let flips: [Bool]?
    }

    private let images: ImageSet
    private let queue = DispatchQueue(label: "ddpm.batch-prefetch")
    private var pending: (plan: Plan, group: DispatchGroup, result: Box)?
    /// Batches that had to be gathered on the spot (no prefetch, or one for another plan).
    private(set) var misses = 0

    private final class Box: @unchecked Sendable { var values: [Float] = [] }

    init(images: ImageSet) { self.images = images }

    /// Starts gathering `plan` in the background.
    func prefetch(_ plan: Plan) {
        let group = DispatchGroup(), box = Box(), images = self.images
        queue.async(group: group) { box.values = images.gather(indices: plan.indices, flips: plan.flips) }
        pending = (plan, group, box)
    }

    /// The batch for `plan`: the prefetched one when it matches (waiting for it if needed), else gathered now.
    func batch(_ plan: Plan) -> [Float] {
        defer { pending = nil }
        if let pending, pending.plan == plan {
            pending.group.wait()
            return pending.result.values
        }
        pending?.group.wait()  // never leave a gather running behind a changed plan
        misses += 1
        return images.gather(indices: plan.indices, flips: plan.flips)
    }
}
