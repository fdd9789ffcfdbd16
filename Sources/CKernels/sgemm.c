// An fp32 GEMM for the UNet's convolution shapes, C = (C or 0) + A·B, with AVX-512, without packing.
//
// A convolution as im2col + GEMM multiplies a small weight matrix (M = 16…128 output channels) by a
// wide col matrix (K = 9·Cin rows, N = one image's H·W columns). BLAS packs both operands into its
// own layout before its microkernel runs; at M = 16 each packed element of B is used only sixteen
// times, so packing and its memory traffic cost a large share of the product (13% of a tiny
// training step against 33% for the microkernel, by `perf`). Here B is read in place: a row of B is
// contiguous, so a tile of C of 8 rows × 48 columns keeps 24 accumulators in registers and, per k,
// loads three vectors of B's row k and broadcasts eight elements of A's column k (11 loads for 24
// FMAs, so the FMA units, not the loads, set the pace). Ragged edges use masked loads and stores.
//
// Every element of C is computed the same way wherever it lies: the products for k in blocks of KC
// (0..<64, 64..<128, …), each block summed from zero in order with one fused multiply-add per
// product, and each block sum added to C in turn. The result therefore does not depend on how C is
// cut into tiles or over threads: a seeded run is bitwise reproducible for any split. Summing in
// blocks keeps the rounding error of long sums (a weight gradient adds 784 products per image at
// 28×28) near that of BLAS, which blocks k the same way; one running sum was several times worse.
//
// B can also be the im2col matrix of one image read from the image itself (implicit im2col, for a
// stride-1 convolution whose output rows are as wide as its input): row p = ci·taps + t of B at
// columns l is x[ci·plane + l + offsets[t]] where tap t of output position l lies inside the
// image, else 0, as `masks` says per vector (masked-off lanes are never read, so a shifted load may
// start outside the plane). Same blocks, order and operations as on the explicit matrix, whose zero
// entries add exactly zero, so the result is the same to the bit.
#include "ddpm_kernels.h"
#include <immintrin.h>

#define MR 8    // rows of a tile
#define NV 3    // 16-float vectors per tile row (48 columns)
#define KC 64   // products summed per block before the block sum is added to C

// The B operand: a row-major matrix (b, ldb), or (shifted) an image read as its im2col matrix.
typedef struct {
    const float *b;
    long ldb;
    long taps, plane;
    const long *offsets;
    const unsigned short *masks;   // this panel's: masks[t·NV + v]
} operand_b;

// One tile of R ≤ MR rows and V ≤ NV vectors, the last one masked by `last`, over k = 0..<k in
// blocks of KC: each block's products are summed from zero and the block sum is then added to C.
// Called with constant R, V and `shifted`, so after inlining `acc` and `bv` live in registers.
__attribute__((target("avx512f"), always_inline))
static inline void tile_avx512(const int R, const int V, const int shifted, __mmask16 last, long k, const float *a,
                               long rsa, long csa, operand_b B, float *c, long ldc, int accumulate) {
    __m512 acc[MR][NV];
    long t = 0;                 // shifted: the tap of row p, and its channel's plane
    const float *plane = B.b;
    for (long p0 = 0; p0 < k || p0 == 0; p0 += KC) {
        long end = k - p0 < KC ? k : p0 + KC;
        for (int r = 0; r < R; r++) {
            for (int v = 0; v < V; v++) acc[r][v] = _mm512_setzero_ps();
        }
        for (long p = p0; p < end; p++) {
            __m512 bv[NV];
            if (shifted) {
                const float *src = plane + B.offsets[t];
                const unsigned short *m = B.masks + t * NV;
                for (int v = 0; v < V; v++) bv[v] = _mm512_maskz_loadu_ps((__mmask16)m[v], src + 16 * v);
                if (++t == B.taps) { t = 0; plane += B.plane; }
            } else {
                const float *row = B.b + p * B.ldb;
                for (int v = 0; v < V; v++) bv[v] = _mm512_maskz_loadu_ps(v == V - 1 ? last : (__mmask16)0xFFFF, row + 16 * v);
            }
            const float *acol = a + p * csa;
            for (int r = 0; r < R; r++) {
                __m512 av = _mm512_set1_ps(acol[r * rsa]);
                for (int v = 0; v < V; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
            }
        }
        int add = accumulate || p0 > 0;
        for (int r = 0; r < R; r++) {
            for (int v = 0; v < V; v++) {
                __mmask16 mask = v == V - 1 ? last : (__mmask16)0xFFFF;
                __m512 sum = add ? _mm512_add_ps(_mm512_maskz_loadu_ps(mask, c + r * ldc + 16 * v), acc[r][v]) : acc[r][v];
                _mm512_mask_storeu_ps(c + r * ldc + 16 * v, mask, sum);
            }
        }
    }
}

#define TILE(R, V) tile_avx512(R, V, SHIFTED, last, k, a + i * rsa, rsa, csa, panelB, c + i * ldc + j, ldc, accumulate)
#define ROWS(V) switch (rows) { \
    case 8: TILE(8, V); break; case 7: TILE(7, V); break; case 6: TILE(6, V); break; case 5: TILE(5, V); break; \
    case 4: TILE(4, V); break; case 3: TILE(3, V); break; case 2: TILE(2, V); break; default: TILE(1, V); }

// C by panels of 48 columns, each panel by tiles of 8 rows (so a panel of B is reused from cache).
#define DRIVER(NAME, SHIFTED_VALUE) \
__attribute__((target("avx512f"))) \
static void NAME(long m, long n, long k, const float *a, long rsa, long csa, operand_b B, float *c, long ldc, \
                 int accumulate) { \
    enum { SHIFTED = SHIFTED_VALUE }; \
    for (long j = 0, panel = 0; j < n; j += 16 * NV, panel++) { \
        long width = n - j < 16 * NV ? n - j : 16 * NV; \
        int vectors = (int)((width + 15) / 16); \
        long tail = width - 16 * (vectors - 1); \
        __mmask16 last = tail == 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << tail) - 1); \
        operand_b panelB = B; \
        if (SHIFTED) panelB.masks = B.masks + panel * B.taps * NV; \
        panelB.b = B.b + j; \
        for (long i = 0; i < m; i += MR) { \
            int rows = m - i < MR ? (int)(m - i) : MR; \
            switch (vectors) { \
            case 3: ROWS(3); break; \
            case 2: ROWS(2); break; \
            default: ROWS(1); \
            } \
        } \
    } \
}
DRIVER(sgemm_avx512, 0)
DRIVER(sgemm_shifted_avx512, 1)

int ddpm_sgemm_available(void) { return ddpm_cpu_isa() >= 2; }
int ddpm_sgemm_panel_columns(void) { return 16 * NV; }
int ddpm_sgemm_panel_vectors(void) { return NV; }

void ddpm_sgemm(long m, long n, long k, const float *a, long rsa, long csa, const float *b, long ldb,
                float *c, long ldc, int accumulate) {
    if (m <= 0 || n <= 0) return;
    operand_b B = { .b = b, .ldb = ldb };
    sgemm_avx512(m, n, k, a, rsa, csa, B, c, ldc, accumulate);
}

void ddpm_sgemm_shifted(long m, long L, long channels, long plane, long taps, const long *offsets,
                        const unsigned short *masks, const float *a, long lda, const float *x, float *c, long ldc,
                        int accumulate) {
    if (m <= 0 || L <= 0) return;
    operand_b B = { .b = x, .taps = taps, .plane = plane, .offsets = offsets, .masks = masks };
    sgemm_shifted_avx512(m, L, channels * taps, a, lda, 1, B, c, ldc, accumulate);
}
