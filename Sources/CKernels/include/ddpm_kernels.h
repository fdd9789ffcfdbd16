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

#endif
