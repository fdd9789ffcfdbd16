// The fp32 peak of one core, measured by an FMA loop (`ddpm bench --suite peak`). One function per
// ISA, compiled with that ISA's target attribute and chosen at run time, so one binary stays
// portable. Twelve independent accumulators, each its own variable so they stay in registers,
// cover the FMA latency (4 cycles) times two FMA pipes.
#include "ddpm_kernels.h"
#include <immintrin.h>

int ddpm_cpu_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
    return 0;
}

#define ACCUMULATORS 12
#define DECLARE(T, SET1) T a0 = SET1(0.f), a1 = SET1(1e-3f), a2 = SET1(2e-3f), a3 = SET1(3e-3f), a4 = SET1(4e-3f), \
    a5 = SET1(5e-3f), a6 = SET1(6e-3f), a7 = SET1(7e-3f), a8 = SET1(8e-3f), a9 = SET1(9e-3f), a10 = SET1(1e-2f), a11 = SET1(1.1e-2f)
#define STEP(F) a0 = F(a0); a1 = F(a1); a2 = F(a2); a3 = F(a3); a4 = F(a4); a5 = F(a5); \
    a6 = F(a6); a7 = F(a7); a8 = F(a8); a9 = F(a9); a10 = F(a10); a11 = F(a11)
#define SUM(ADD) ADD(ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7))), ADD(ADD(a8, a9), ADD(a10, a11)))

__attribute__((target("avx512f")))
static double fma_loop_avx512(long iterations) {
    const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
    DECLARE(__m512, _mm512_set1_ps);
#define F512(x) _mm512_fmadd_ps(x, m, c)
    for (long it = 0; it < iterations; it++) { STEP(F512); }
    volatile float sink = _mm512_reduce_add_ps(SUM(_mm512_add_ps));
    (void)sink;
    return (double)iterations * ACCUMULATORS * 16 * 2;
}

__attribute__((target("avx2,fma")))
static double fma_loop_avx2(long iterations) {
    const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    DECLARE(__m256, _mm256_set1_ps);
#define F256(x) _mm256_fmadd_ps(x, m, c)
    for (long it = 0; it < iterations; it++) { STEP(F256); }
    float lanes[8];
    _mm256_storeu_ps(lanes, SUM(_mm256_add_ps));
    volatile float sink = lanes[0];
    (void)sink;
    return (double)iterations * ACCUMULATORS * 8 * 2;
}

// No FMA before AVX2: a multiply and an add, counted as two operations per lane.
static double fma_loop_sse(long iterations) {
    const __m128 m = _mm_set1_ps(0.999999f), c = _mm_set1_ps(1e-7f);
    DECLARE(__m128, _mm_set1_ps);
#define F128(x) _mm_add_ps(_mm_mul_ps(x, m), c)
    for (long it = 0; it < iterations; it++) { STEP(F128); }
    float lanes[4];
    _mm_storeu_ps(lanes, SUM(_mm_add_ps));
    volatile float sink = lanes[0];
    (void)sink;
    return (double)iterations * ACCUMULATORS * 4 * 2;
}

double ddpm_fma_loop(long iterations) {
    switch (ddpm_cpu_isa()) {
    case 2: return fma_loop_avx512(iterations);
    case 1: return fma_loop_avx2(iterations);
    default: return fma_loop_sse(iterations);
    }
}
