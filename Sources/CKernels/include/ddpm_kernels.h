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

#endif
