// The float32 tensor: a shape, a view into a `Storage`, and the autograd links.
//
// Layout: row-major and always contiguous; images are NCHW. NCHW makes each GroupNorm group one
// contiguous block, and lets the per-image convolution GEMM write W[Cout, K]·col[K, H·W] straight
// into the output image. Ops that would need strides (transpose, permute, slice) copy.

/// A contiguous, row-major float32 tensor with reverse-mode autograd.
public final class Tensor: @unchecked Sendable {
    /// Dimensions, outermost first (images: `[N, C, H, W]`).
    public let shape: [Int]
    /// Number of elements (`shape.reduce(1, *)`).
    public let count: Int
    let storage: Storage
    let offset: Int

    /// Set on leaves (parameters, inputs under test) whose gradient `backward()` should fill.
    public var requiresGrad: Bool
    /// The accumulated gradient: same shape, filled by `backward()`, cleared only by `zeroGrad()`.
    public var grad: Tensor?
    /// How this tensor was computed, when it was computed with grad mode on from tensors needing grads.
    var gradFn: GradFn?

    init(shape: [Int], storage: Storage, offset: Int = 0, requiresGrad: Bool = false) {
        let n = shape.reduce(1, *)
        shapeCheck(shape.allSatisfy { $0 >= 0 }, "tensor: negative dimension in shape \(describe(shape))")
        shapeCheck(offset + n <= storage.count, "tensor: view of \(n) elements at \(offset) exceeds storage of \(storage.count)")
        self.shape = shape
        self.count = n
        self.storage = storage
        self.offset = offset
        self.requiresGrad = requiresGrad
    }

    /// Memory of `shape`'s element count, not initialized: kernels fill it.
    static func uninitialized(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, storage: Storage(uninitializedCount: shape.reduce(1, *)))
    }

    var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    /// Where the elements live.
    public var device: Device { storage.device }

    /// True when a backward pass must reach this tensor.
    public var needsGrad: Bool { requiresGrad || gradFn != nil }

    public var rank: Int { shape.count }

    /// A tensor sharing this one's memory, with no autograd history.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage, offset: offset) }
}

// MARK: - Creation

extension Tensor {
    /// A tensor holding `values` (row-major) with the given shape.
    public convenience init(shape: [Int], values: [Float], requiresGrad: Bool = false) {
        let n = shape.reduce(1, *)
        shapeCheck(values.count == n, "Tensor(shape:values:): shape \(describe(shape)) needs \(n) values, got \(values.count)")
        self.init(shape: shape, storage: Storage(uninitializedCount: n), requiresGrad: requiresGrad)
        Kernels.copy(values, into: pointer)
    }

    /// A rank-0 tensor.
    public convenience init(scalar: Float) { self.init(shape: [], values: [scalar]) }

    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor.uninitialized(shape)
        t.requiresGrad = requiresGrad
        Kernels.fill(t.pointer, count: t.count, with: value)
        return t
    }

    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor { full(shape, 0, requiresGrad: requiresGrad) }
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor { full(shape, 1, requiresGrad: requiresGrad) }

    /// Standard normal entries drawn from `generator`.
    public static func randn(_ shape: [Int], using generator: inout RandomGenerator, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor.uninitialized(shape)
        t.requiresGrad = requiresGrad
        Kernels.fillNormal(t.pointer, count: t.count, using: &generator)
        return t
    }

    /// Uniform entries in `[low, high)` drawn from `generator`.
    public static func uniform(_ shape: [Int], in range: ClosedRange<Float>, using generator: inout RandomGenerator,
                               requiresGrad: Bool = false) -> Tensor {
        let t = Tensor.uninitialized(shape)
        t.requiresGrad = requiresGrad
        Kernels.fillUniform(t.pointer, count: t.count, low: range.lowerBound, span: range.upperBound - range.lowerBound,
                            using: &generator)
        return t
    }

    /// A tensor whose memory is `count` elements of `base` starting at `offset` (a parameter inside a
    /// flat buffer). Writes through the view change `base`.
    public static func view(of base: Tensor, offset: Int, shape: [Int]) -> Tensor {
        let n = shape.reduce(1, *)
        shapeCheck(offset >= 0 && offset + n <= base.count,
                   "view(of:): \(n) elements at offset \(offset) do not fit in a tensor of \(base.count)")
        return Tensor(shape: shape, storage: base.storage, offset: base.offset + offset)
    }
}

// MARK: - Reading and writing values

extension Tensor {
    /// The elements, row-major.
    public var scalars: [Float] { scalars(in: 0..<count) }

    /// The elements at row-major flat indices `range`.
    public func scalars(in range: Range<Int>) -> [Float] {
        shapeCheck(range.lowerBound >= 0 && range.upperBound <= count,
                   "scalars(in:): \(range) is outside the \(count) elements of \(describe(shape))")
        return Kernels.array(pointer + range.lowerBound, count: range.count)
    }

    /// The single element of a one-element tensor.
    public func item() -> Float {
        shapeCheck(count == 1, "item(): tensor of shape \(describe(shape)) has \(count) elements, expected 1")
        return pointer[0]
    }

    /// Element at a row-major flat index (checked: an index outside the tensor stops with a message).
    /// A write is not recorded by autograd; see `copy(from:)`.
    public subscript(flat index: Int) -> Float {
        get {
            shapeCheck(index >= 0 && index < count, "subscript(flat:): index \(index) is outside the \(count) elements of \(describe(shape))")
            return pointer[index]
        }
        set {
            shapeCheck(index >= 0 && index < count, "subscript(flat:): index \(index) is outside the \(count) elements of \(describe(shape))")
            pointer[index] = newValue
        }
    }

    /// Overwrites this tensor's elements with `other`'s (same element count). Not recorded by autograd.
    ///
    /// Like every in-place write here (`fill`, `subscript(flat:)`, `copy(from:at:)`, `swapContents`),
    /// it also changes every view sharing this memory, including tensors a backward closure saved:
    /// there is no version counter, so write only to leaves outside a recorded graph.
    public func copy(from other: Tensor) {
        shapeCheck(other.count == count, "copy(from:): \(describe(other.shape)) into \(describe(shape)) — element counts differ")
        Kernels.copy(other.pointer, into: pointer, count: count)
    }

    /// Overwrites `values.count` elements starting at flat index `offset` with `values`
    /// (a loader filling one parameter of a flat buffer). Not recorded by autograd.
    public func copy(from values: [Float], at offset: Int = 0) {
        shapeCheck(offset >= 0 && offset + values.count <= count,
                   "copy(from:at:): \(values.count) values at \(offset) do not fit in the \(count) elements of \(describe(shape))")
        Kernels.copy(values, into: pointer + offset)
    }

    /// Exchanges this tensor's elements with `other`'s (same element count): lends a model other
    /// weights and takes them back exactly. Not recorded by autograd.
    public func swapContents(with other: Tensor) {
        shapeCheck(other.count == count, "swapContents(with:): \(describe(other.shape)) and \(describe(shape)) — element counts differ")
        Kernels.swap(pointer, other.pointer, count: count)
    }

    /// Sets every element to `value`. Not recorded by autograd.
    public func fill(_ value: Float) { Kernels.fill(pointer, count: count, with: value) }

    /// Zeroes the accumulated gradient (gradients accumulate across `backward()` calls until this).
    public func zeroGrad() { grad?.fill(0) }
}
