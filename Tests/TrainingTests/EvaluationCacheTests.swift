import DataIO
import Testing
@testable import Training

/// The real-data feature cache is keyed by a hash of the images' bytes: a view hashes like a copy
/// of the same images, and any changed pixel, label or shape gives another key.
@Suite struct EvaluationCacheTests {
    static func images(_ bytes: [UInt8], labels: [Int], size: Int = 2) -> ImageSet {
        ImageSet(bytes: bytes, labels: labels, channels: 1, height: size, width: size)
    }

    @Test func dataHashDependsOnlyOnTheImagesShown() {
        let all = Self.images(Array(0..<12), labels: [0, 1, 2])
        let copy = Self.images(Array(4..<12), labels: [1, 2])
        #expect(EvaluationCache.dataHash(all.subset(1..<3)) == EvaluationCache.dataHash(copy))
        #expect(EvaluationCache.dataHash(all.subset(0..<2)) != EvaluationCache.dataHash(copy))
        var changed: [UInt8] = Array(4..<12)
        changed[7] = 200
        #expect(EvaluationCache.dataHash(Self.images(changed, labels: [1, 2])) != EvaluationCache.dataHash(copy))
        #expect(EvaluationCache.dataHash(Self.images(Array(4..<12), labels: [1, 3])) != EvaluationCache.dataHash(copy))
        #expect(EvaluationCache.dataHash(ImageSet(bytes: Array(4..<12), labels: [1, 2], channels: 2, height: 2, width: 1))
                != EvaluationCache.dataHash(copy))
    }
}
