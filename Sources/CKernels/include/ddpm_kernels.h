#ifndef DDPM_KERNELS_H
#define DDPM_KERNELS_H

/// Widest vector ISA this CPU and OS support, as checked at run time:
/// 0 = baseline (SSE2), 1 = AVX2 + FMA, 2 = AVX-512 (F, DQ, BW, VL).
int ddpm_cpu_isa(void);

/// Runs a register-only fused-multiply-add loop on the calling thread with the widest ISA
/// (`ddpm_cpu_isa`) and returns the number of floating-point operations it did (2 per FMA lane).
/// It keeps enough independent accumulators in flight to hide FMA latency, so its rate is the
/// core's fp32 peak. `iterations` scales the run time linearly.
double ddpm_fma_loop(long iterations);

/// GroupNorm (+ fused SiLU) forward over the groups first..<first+count of x [N, C, L] viewed as
/// N·G contiguous groups of (C/G)·L floats; writes y and the groups' mean and rstd.
void ddpm_groupnorm_forward(long first, long count, long C, long G, long L, float eps, int silu,
                            const float *x, const float *gamma, const float *beta,
                            float *y, float *mean, float *rstd);

/// GroupNorm (+ fused SiLU) backward over the same groups: dx += (when dx is not null), and the
/// per-(n, c) sums Σ dh·x̂ and Σ dh into partial_gamma, partial_beta [N, C]. `dh` is scratch of
/// (C/G)·L floats (used when `silu`).
void ddpm_groupnorm_backward(long first, long count, long C, long G, long L, int silu,
                             const float *x, const float *gamma, const float *beta,
                             const float *mean, const float *rstd, const float *dy, float *dx,
                             float *partial_gamma, float *partial_beta, float *dh);

/// 1 when `ddpm_sgemm` can run on this CPU (it needs AVX-512), else 0: the caller then uses BLAS.
int ddpm_sgemm_available(void);

/// C[m×n] = (accumulate ? C : 0) + A·B in fp32, where A[i, p] = a[i·rsa + p·csa] (a row-major A has
/// rsa = lda, csa = 1; a transposed one rsa = 1, csa = lda), B is row-major [k×n] with row stride ldb
/// and C row-major with row stride ldc. Each element of C adds its products in blocks of 64 k
/// (each block summed from zero in increasing k, one FMA per product, then added to C), so the
/// result is the same for any split of C. Only when `ddpm_sgemm_available`.
void ddpm_sgemm(long m, long n, long k, const float *a, long rsa, long csa, const float *b, long ldb,
                float *c, long ldc, int accumulate);

/// The same product with B the im2col matrix of one image, read from the image itself, for a
/// stride-1 convolution whose output rows are as wide as its input: C[m×L] = (accumulate ? C : 0) +
/// A[m × channels·taps] · B (A row-major with row stride lda), where row ci·taps + t of B holds, at
/// column l, x[ci·plane + l + offsets[t]] when `masks` marks that lane valid and 0 otherwise. `masks`
/// holds, for each panel of `ddpm_sgemm_panel_columns()` columns of C and each tap, one 16-bit lane
/// mask per vector (`ddpm_sgemm_panel_vectors()` of them), 0 for lanes past L. The result equals
/// `ddpm_sgemm` on the explicit matrix to the bit. Only when `ddpm_sgemm_available`.
void ddpm_sgemm_shifted(long m, long L, long channels, long plane, long taps, const long *offsets,
                        const unsigned short *masks, const float *a, long lda, const float *x, float *c, long ldc,
                        int accumulate);
int ddpm_sgemm_panel_columns(void);
int ddpm_sgemm_panel_vectors(void);

/// out[j·rows + i] = a[i·columns + j] for a row-major [rows, columns] a (when out is not null), and
/// sums[i] += Σ_j a[i·columns + j] (when sums is not null; sixteen lanes, then the lanes in order).
/// Needs AVX-512 (`ddpm_sgemm_available`); rows·columns must fit an int.
void ddpm_transpose_rowsums(long rows, long columns, const float *a, float *out, float *sums);

#endif
