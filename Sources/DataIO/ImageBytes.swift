// The bytes of a dataset's images, NCHW UInt8, held in memory or memory-mapped from a cache file.
// Bytes are 4× smaller than Float; batches are converted to Float when gathered (ImageSet.gather).
import Foundation

/// Immutable image bytes shared by every view (`ImageSet.subset`) of one dataset.
///
/// A mapped store gives pages back after each gather (`MADV_DONTNEED`): the file's pages stay in
/// the kernel's page cache, so reading them again costs a minor fault, but they stop counting in
/// this process's resident memory, which therefore stays flat through an epoch of a 2.5 GB file.
public final class ImageBytes: @unchecked Sendable {
    /// The first image byte.
    let base: UnsafeRawPointer
    public let byteCount: Int
    private let release: Release

    private enum Release {
        case allocation(UnsafeMutableRawPointer)
        case mapping(UnsafeMutableRawPointer, length: Int)
    }

    /// Copies `bytes` into memory owned by the store.
    public init(_ bytes: [UInt8]) {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        base = UnsafeRawPointer(memory)
        byteCount = bytes.count
        release = .allocation(memory)
    }

    /// Maps `length` bytes of `path` starting at `offset` (a multiple of the page size) read-only.
    public init(mapping path: String, offset: Int, length: Int) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, operation: .read, code: errno) }
        defer { close(fd) }
        let mapLength = max(length, 1)
        guard let address = mmap(nil, mapLength, PROT_READ, MAP_SHARED, fd, off_t(offset)), address != MAP_FAILED else {
            throw FileError(path: path, operation: .read, code: errno)
        }
        base = UnsafeRawPointer(address)
        byteCount = length
        release = .mapping(address, length: mapLength)
    }

    deinit {
        switch release {
        case let .allocation(memory): memory.deallocate()
        case let .mapping(address, length): munmap(address, length)
        }
    }

    public var isMapped: Bool { if case .mapping = release { return true } else { return false } }

    /// Drops the resident pages that lie wholly inside `range` (a mapped store only; memory stays).
    func giveBack(_ range: Range<Int>) {
        guard case let .mapping(address, length) = release else { return }
        let page = Self.pageSize
        let start = (range.lowerBound + page - 1) / page * page, end = min(range.upperBound, length) / page * page
        guard end > start else { return }
        madvise(address + start, end - start, Int32(MADV_DONTNEED))
    }

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
}
