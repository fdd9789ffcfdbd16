import Foundation
import CLAPACK

/// The Cholesky factor L (A = L·Lᵀ) of a symmetric positive-definite matrix, with the solves a
/// Gaussian process needs. Everything goes through the LAPACK inside OpenBLAS (dpotrf/dpotrs/
/// dpotri/dtrtrs); matrices are stored column-major, which for a symmetric A is also row-major.
struct Cholesky {
    let n: Int
    /// Column-major n×n; the lower triangle holds L (the strict upper triangle is not meaningful).
    private(set) var factor: [Double]
    /// The diagonal jitter that had to be added to make A numerically positive definite.
    let jitter: Double

    /// Factors `matrix` (n×n, symmetric). When it is not numerically positive definite, retries
    /// with growing diagonal jitter (1e-10 … 1e-4 of the mean diagonal) before giving up.
    init(symmetric matrix: [Double], n: Int) throws {
        precondition(matrix.count == n * n, "Cholesky: \(matrix.count) values for a \(n)×\(n) matrix")
        self.n = n
        let meanDiagonal = max(1e-300, (0..<n).reduce(0.0) { $0 + matrix[$1 * n + $1] } / Double(max(n, 1)))
        var added = 0.0
        for attempt in 0...7 {
            var a = matrix
            if attempt > 0 {
                added = meanDiagonal * pow10(-11 + attempt)
                for i in 0..<n { a[i * n + i] += added }
            }
            if Self.potrf(&a, n: n) == 0 {
                factor = a
                jitter = added
                return
            }
        }
        throw TuningError.numerical("the GP covariance matrix is not positive definite even with jitter \(added)")
    }

    private static func potrf(_ a: inout [Double], n: Int) -> Int32 {
        var uplo = CChar(UInt8(ascii: "L")), size = Int32(n), lda = Int32(max(n, 1)), info: Int32 = 0
        a.withUnsafeMutableBufferPointer { dpotrf_(&uplo, &size, $0.baseAddress, &lda, &info, 1) }
        return info
    }

    /// A⁻¹·B for B with `columns` right-hand sides (column-major n×columns).
    func solve(_ b: [Double], columns: Int = 1) -> [Double] {
        precondition(b.count == n * columns)
        var x = b
        var uplo = CChar(UInt8(ascii: "L")), size = Int32(n), nrhs = Int32(columns), lda = Int32(max(n, 1)), info: Int32 = 0
        factor.withUnsafeBufferPointer { a in
            x.withUnsafeMutableBufferPointer { dpotrs_(&uplo, &size, &nrhs, a.baseAddress, &lda, $0.baseAddress, &lda, &info, 1) }
        }
        precondition(info == 0, "dpotrs_ failed with info \(info)")
        return x
    }

    /// L⁻¹·B (forward substitution) for B with `columns` right-hand sides (column-major n×columns).
    func solveLower(_ b: [Double], columns: Int = 1) -> [Double] {
        precondition(b.count == n * columns)
        var x = b
        var uplo = CChar(UInt8(ascii: "L")), trans = CChar(UInt8(ascii: "N")), diag = CChar(UInt8(ascii: "N"))
        var size = Int32(n), nrhs = Int32(columns), lda = Int32(max(n, 1)), info: Int32 = 0
        factor.withUnsafeBufferPointer { a in
            x.withUnsafeMutableBufferPointer {
                dtrtrs_(&uplo, &trans, &diag, &size, &nrhs, a.baseAddress, &lda, $0.baseAddress, &lda, &info, 1, 1, 1)
            }
        }
        precondition(info == 0, "dtrtrs_ failed with info \(info)")
        return x
    }

    /// A⁻¹ as a full symmetric column-major matrix.
    func inverse() -> [Double] {
        var a = factor
        var uplo = CChar(UInt8(ascii: "L")), size = Int32(n), lda = Int32(max(n, 1)), info: Int32 = 0
        a.withUnsafeMutableBufferPointer { dpotri_(&uplo, &size, $0.baseAddress, &lda, &info, 1) }
        precondition(info == 0, "dpotri_ failed with info \(info)")
        // dpotri_ writes the lower triangle (column-major: row >= column); mirror it.
        for j in 0..<n { for i in 0..<j { a[j * n + i] = a[i * n + j] } }
        return a
    }

    /// log det A = 2 Σ log L_ii.
    var logDeterminant: Double { 2 * (0..<n).reduce(0.0) { $0 + log(factor[$1 * n + $1]) } }
}

private func pow10(_ e: Int) -> Double { pow(10.0, Double(e)) }
