// GroupNorm (+ fused SiLU) over NCHW groups, forward and backward, in 16-float vectors.
//
// Same mathematics and the same pass structure as the Swift reference kernel
// (TensorCore/Kernels/GroupNormKernel.swift, which the tests compare this against): statistics in
// Double, two passes (mean, then squared deviations: E[x²] − E[x]² cancels when |mean| ≫ std),
// then one normalise(+SiLU) pass; the backward fuses the SiLU derivative with the per-channel sums
// and writes dx in a second pass. The Swift kernel is compiled for baseline x86-64 (SSE2), where
// the Double conversions and the exp of SiLU run four lanes at a time; this file is compiled once
// per ISA (groupnorm_body.h, included under AVX-512, AVX2 + FMA and baseline target attributes)
// and `ddpm_cpu_isa` picks the widest the CPU has. Lanes are summed in a fixed order, so a result
// depends only on the data and the ISA.
#include "ddpm_kernels.h"
#include <math.h>
#include <string.h>

typedef float f16 __attribute__((ext_vector_type(16)));
typedef int i16 __attribute__((ext_vector_type(16)));
typedef double d8 __attribute__((ext_vector_type(8)));

#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"))), apply_to = function)
#define FN(name) name##_avx512
#include "groupnorm_body.h"
#undef FN
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define FN(name) name##_avx2
#include "groupnorm_body.h"
#undef FN
#pragma clang attribute pop

#define FN(name) name##_baseline
#include "groupnorm_body.h"
#undef FN

void ddpm_groupnorm_forward(long first, long count, long C, long G, long L, float eps, int silu,
                            const float *x, const float *gamma, const float *beta,
                            float *y, float *mean, float *rstd) {
    switch (ddpm_cpu_isa()) {
    case 2: forward_avx512(first, count, C, G, L, eps, silu, x, gamma, beta, y, mean, rstd); break;
    case 1: forward_avx2(first, count, C, G, L, eps, silu, x, gamma, beta, y, mean, rstd); break;
    default: forward_baseline(first, count, C, G, L, eps, silu, x, gamma, beta, y, mean, rstd);
    }
}

void ddpm_groupnorm_backward(long first, long count, long C, long G, long L, int silu,
                             const float *x, const float *gamma, const float *beta,
                             const float *mean, const float *rstd, const float *dy, float *dx,
                             float *partial_gamma, float *partial_beta, float *dh) {
    switch (ddpm_cpu_isa()) {
    case 2: backward_avx512(first, count, C, G, L, silu, x, gamma, beta, mean, rstd, dy, dx, partial_gamma, partial_beta, dh); break;
    case 1: backward_avx2(first, count, C, G, L, silu, x, gamma, beta, mean, rstd, dy, dx, partial_gamma, partial_beta, dh); break;
    default: backward_baseline(first, count, C, G, L, silu, x, gamma, beta, mean, rstd, dy, dx, partial_gamma, partial_beta, dh);
    }
}
