// dy of one image, [Cout, L], transposed to [L, Cout] for the direct weight gradient (dWᵀ = col · dyᵀ
// reads dyᵀ's rows as vectors), with its row sums (the bias gradient) taken in the same pass. In
// Swift these were a strided scalar copy and a serial sum, 6% of a tiny training step together.
#include "ddpm_kernels.h"
#include <immintrin.h>

__attribute__((target("avx512f")))
static void transpose_rowsums_avx512(long rows, long columns, const float *a, float *out, float *sums) {
    // Sums: sixteen lanes, then the lanes added 0, 1, …, 15, so the result depends only on the data.
    if (sums) {
        for (long i = 0; i < rows; i++) {
            const float *row = a + i * columns;
            __m512 acc = _mm512_setzero_ps();
            for (long j = 0; j < columns; j += 16) {
                long left = columns - j;
                __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
                acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, row + j));
            }
            float lanes[16], s = 0;
            _mm512_storeu_ps(lanes, acc);
            for (int k = 0; k < 16; k++) s += lanes[k];
            sums[i] += s;
        }
    }
    if (!out) return;
    // Blocks of 16 columns: each output row gets its `rows` floats from one gather per 16 rows.
    __m512i rowOffsets = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                            _mm512_set1_epi32((int)columns));
    for (long j = 0; j < columns; j++) {
        float *dst = out + j * rows;
        for (long i = 0; i < rows; i += 16) {
            long left = rows - i;
            __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
            __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, rowOffsets, a + i * columns + j, 4);
            _mm512_mask_storeu_ps(dst + i, mask, v);
        }
    }
}

void ddpm_transpose_rowsums(long rows, long columns, const float *a, float *out, float *sums) {
    transpose_rowsums_avx512(rows, columns, a, out, sums);
}
