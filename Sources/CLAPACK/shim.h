// Double-precision LAPACK/BLAS routines that libopenblas exports with the Fortran ABI (Debian
// builds OpenBLAS with NO_LAPACKE, but `nm -D libopenblas.so` lists dsyevd_, dgemm_, dsyrk_, dpotrf_;
// MACHINE-NOTES §3). Column-major, every argument by pointer, and gfortran's hidden lengths of
// the CHARACTER arguments at the end. No extra apt package is needed.
#include <stddef.h>

/// Eigenvalues (ascending, in w) and, for jobz = 'V', orthonormal eigenvectors (in a) of a
/// symmetric n×n matrix (divide and conquer). lwork = liwork = -1 asks for the workspace sizes.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t uplo_len);

/// C = alpha·op(A)·op(B) + beta·C.
void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
            const double *beta, double *c, const int *ldc, size_t transa_len, size_t transb_len);

/// C = alpha·A·Aᵀ + beta·C (trans = 'N') or alpha·Aᵀ·A + beta·C (trans = 'T'), one triangle of C.
void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha,
            const double *a, const int *lda, const double *beta, double *c, const int *ldc,
            size_t uplo_len, size_t trans_len);

/// Cholesky factor of a symmetric positive-definite n×n matrix, in place (uplo 'L': A = L·Lᵀ).
/// info > 0: the leading minor of that order is not positive definite.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);

/// Solves A·X = B with the factor from dpotrf_; B (n×nrhs) is overwritten by X.
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info, size_t uplo_len);

/// Inverse of A from its dpotrf_ factor, in place (only the uplo triangle is written).
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);

/// Solves op(A)·X = B for triangular A; B (n×nrhs) is overwritten by X.
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n, const int *nrhs,
             const double *a, const int *lda, double *b, const int *ldb, int *info,
             size_t uplo_len, size_t trans_len, size_t diag_len);
