// The two dense double-precision routines the metrics need, from the LAPACK/BLAS that OpenBLAS
// ships (CLAPACK shim): a symmetric eigendecomposition and a matrix product. Matrices are Swift
// arrays in row-major order; the column-major Fortran view of a row-major matrix is its transpose,
// which the wrappers account for.
import CLAPACK
import TensorCore

/// A LAPACK routine reported failure (`info` ≠ 0).
public struct LinearAlgebraError: Error, CustomStringConvertible {
    public let routine: String
    public let info: Int32
    public var description: String {
        "\(routine) failed (info \(info)): " + (info > 0 ? "the eigenvalue iteration did not converge" : "argument \(-info) was invalid")
    }
}

enum DenseLinearAlgebra {
    /// Eigenvalues (ascending) of the symmetric n×n matrix `a`, and with `vectors` its orthonormal
    /// eigenvectors as the COLUMNS of a row-major n×n matrix (a = V·diag(λ)·Vᵀ).
    /// Only the lower triangle of the row-major `a` (LAPACK's 'U' of the column-major view) is read.
    static func symmetricEigen(_ a: [Double], n: Int, vectors: Bool) throws -> (values: [Double], vectors: [Double]) {
        shapeCheck(a.count == n * n && n >= 1, "symmetricEigen: \(a.count) values for a \(n)×\(n) matrix")
        var matrix = a
        var w = [Double](repeating: 0, count: n)
        var jobz = CChar(UInt8(ascii: vectors ? "V" : "N")), uplo = CChar(UInt8(ascii: "U"))
        var n32 = Int32(n), lda = Int32(n), info: Int32 = 0
        // 1. Workspace query (lwork = liwork = -1), 2. the decomposition.
        var workSize = 0.0, iworkSize: Int32 = 0, query: Int32 = -1
        dsyevd_(&jobz, &uplo, &n32, &matrix, &lda, &w, &workSize, &query, &iworkSize, &query, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError(routine: "dsyevd", info: info) }
        var lwork = Int32(workSize.rounded(.up)), liwork = max(iworkSize, 1)
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &n32, &matrix, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError(routine: "dsyevd", info: info) }
        // LAPACK wrote eigenvector k into column k of the column-major matrix, i.e. row k of the
        // row-major array: transpose so that vector k is column k here too.
        var v = [Double](repeating: 0, count: vectors ? n * n : 0)
        if vectors { for i in 0..<n { for j in 0..<n { v[i * n + j] = matrix[j * n + i] } } }
        return (w, v)
    }

    /// C = op(A)·op(B), row-major, op(A) m×k and op(B) k×n (A stored k×m when `transposeA`, B n×k
    /// when `transposeB`).
    static func matmul(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int,
                       transposeA: Bool = false, transposeB: Bool = false) -> [Double] {
        shapeCheck(a.count == m * k && b.count == k * n, "matmul: A has \(a.count) values (m·k = \(m * k)), B \(b.count) (k·n = \(k * n))")
        var c = [Double](repeating: 0, count: m * n)
        guard m > 0 && n > 0 else { return c }
        // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ.
        var ta = CChar(UInt8(ascii: transposeB ? "T" : "N")), tb = CChar(UInt8(ascii: transposeA ? "T" : "N"))
        var m32 = Int32(n), n32 = Int32(m), k32 = Int32(max(k, 1))
        var lda = Int32(transposeB ? max(k, 1) : n), ldb = Int32(transposeA ? m : max(k, 1)), ldc = Int32(n)
        var one = 1.0, zero = 0.0
        guard k > 0 else { return c }
        dgemm_(&ta, &tb, &m32, &n32, &k32, &one, b, &lda, a, &ldb, &zero, &c, &ldc, 1, 1)
        return c
    }

    /// AᵀA for a row-major n×d matrix A (d×d, both triangles filled).
    static func gram(_ a: [Double], rows n: Int, columns d: Int) -> [Double] {
        shapeCheck(a.count == n * d, "gram: \(a.count) values for \(n)×\(d)")
        var c = [Double](repeating: 0, count: d * d)
        guard n > 0 else { return c }
        // Row-major A (n×d) is column-major Aᵀ (d×n); dsyrk 'N' forms (Aᵀ)(Aᵀ)ᵀ = AᵀA.
        var uplo = CChar(UInt8(ascii: "U")), trans = CChar(UInt8(ascii: "N"))
        var d32 = Int32(d), n32 = Int32(n), lda = Int32(d), ldc = Int32(d)
        var one = 1.0, zero = 0.0
        dsyrk_(&uplo, &trans, &d32, &n32, &one, a, &lda, &zero, &c, &ldc, 1, 1)
        // Column-major upper triangle = row-major lower triangle: mirror it up.
        for i in 0..<d { for j in (i + 1)..<max(d, i + 1) { c[i * d + j] = c[j * d + i] } }
        return c
    }
}
