// The body of groupnorm.c, included once per ISA with that ISA's target attribute in force and
// FN(name) giving each copy its own names. Not a public header.
static inline f16 FN(load16)(const float *p) { f16 v; memcpy(&v, p, sizeof v); return v; }
static inline void FN(store16)(float *p, f16 v) { memcpy(p, &v, sizeof v); }
static inline f16 FN(splat)(float s) { return (f16)s; }

static inline f16 FN(select16)(i16 mask, f16 a, f16 b) { return (f16)(((i16)a & mask) | ((i16)b & ~mask)); }

// eˣ as Kernels.exp (Cephes expf, ≤ 1 ulp of glibc's expf on [−87.3, 88.3]): 0 below −87.34,
// +∞ above 88.37, NaN in, NaN out.
static inline f16 FN(exp16)(f16 x) {
    f16 c = __builtin_elementwise_min(__builtin_elementwise_max(x, FN(splat)(-87.33654f)), FN(splat)(88.37626f));
    const f16 shifter = FN(splat)(12582912.0f);
    f16 t = c * 1.44269504f + shifter;
    f16 n = t - shifter;
    f16 r = (c - n * 0.693359375f) - n * -2.1219444e-4f;
    f16 p = FN(splat)(1.98756915e-4f);
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.16657959e-2f;
    p = p * r + 1.66666655e-1f;
    p = p * r + 5.00000012e-1f;
    f16 er = p * r * r + r + 1;
    f16 two_n = (f16)(((i16)t + 127) << 23);
    f16 e = er * two_n;
    e = FN(select16)(x > 88.37626f, FN(splat)(INFINITY), e);
    e = FN(select16)(x < -87.33654f, FN(splat)(0), e);
    return FN(select16)(x != x, x, e);
}

static inline float FN(exp1)(float x) { f16 v = FN(splat)(x); return FN(exp16)(v)[0]; }

static inline f16 FN(sigmoid16)(f16 x) { return 1 / (1 + FN(exp16)(-x)); }
static inline float FN(sigmoid1)(float x) { return 1 / (1 + FN(exp1)(-x)); }

static inline double FN(sum_lanes_d8)(d8 v) {
    double s = 0;
    for (int k = 0; k < 8; k++) s += v[k];
    return s;
}

static inline float FN(sum_lanes_f16)(f16 v) {
    float s = 0;
    for (int k = 0; k < 16; k++) s += v[k];
    return s;
}

// Σ x in Double, sixteen lanes folded to eight.
static inline double FN(sum_double)(const float *x, long n) {
    d8 a = 0, b = 0;
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        f16 v = FN(load16)(x + i);
        a += __builtin_convertvector(v.lo, d8);
        b += __builtin_convertvector(v.hi, d8);
    }
    double s = FN(sum_lanes_d8)(a + b);
    for (; i < n; i++) s += x[i];
    return s;
}

static inline double FN(squared_deviations)(const float *x, long n, double center) {
    d8 a = 0, b = 0;
    const d8 c = center;
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        f16 v = FN(load16)(x + i);
        d8 lo = __builtin_convertvector(v.lo, d8) - c, hi = __builtin_convertvector(v.hi, d8) - c;
        a += lo * lo;
        b += hi * hi;
    }
    double s = FN(sum_lanes_d8)(a + b);
    for (; i < n; i++) { double d = x[i] - center; s += d * d; }
    return s;
}

static void FN(forward)(long first, long count, long C, long G, long L, float eps, int silu,
                            const float *x, const float *gamma, const float *beta,
                            float *y, float *mean, float *rstd) {
    const long cpg = C / G, size = cpg * L;
    for (long ng = first; ng < first + count; ng++) {
        const long g = ng % G;
        const float *xs = x + ng * size;
        float *ys = y + ng * size;
        double mu = FN(sum_double)(xs, size) / (double)size;
        double variance = FN(squared_deviations)(xs, size, mu) / (double)size;
        float r = (float)(1 / sqrt(variance + (double)eps)), m = (float)mu;
        mean[ng] = m;
        rstd[ng] = r;
        for (long cc = 0; cc < cpg; cc++) {
            const long c = g * cpg + cc;
            const float scale = gamma[c] * r, shift = beta[c] - m * scale;
            const float *xr = xs + cc * L;
            float *yr = ys + cc * L;
            long i = 0;
            if (silu) {
                for (; i + 16 <= L; i += 16) {
                    f16 h = FN(load16)(xr + i) * scale + shift;
                    FN(store16)(yr + i, h * FN(sigmoid16)(h));
                }
                for (; i < L; i++) { float h = xr[i] * scale + shift; yr[i] = h * FN(sigmoid1)(h); }
            } else {
                for (; i + 16 <= L; i += 16) FN(store16)(yr + i, FN(load16)(xr + i) * scale + shift);
                for (; i < L; i++) yr[i] = xr[i] * scale + shift;
            }
        }
    }
}

static void FN(backward)(long first, long count, long C, long G, long L, int silu,
                             const float *x, const float *gamma, const float *beta,
                             const float *mean, const float *rstd, const float *dy, float *dx,
                             float *partial_gamma, float *partial_beta, float *dh) {
    const long cpg = C / G, size = cpg * L;
    for (long ng = first; ng < first + count; ng++) {
        const long n = ng / G, g = ng % G;
        const float *xs = x + ng * size, *dys = dy + ng * size;
        const float m = mean[ng], r = rstd[ng];
        // 1. Per channel: dh (= dy, or dy·silu'(h) with h recomputed from x) and its sums
        //    Σ dh (dβ) and Σ dh·x̂ (dγ), in one pass.
        const float *dhs = silu ? dh : dys;
        float sum_dxhat = 0, sum_dxhat_xhat = 0;
        for (long cc = 0; cc < cpg; cc++) {
            const long c = g * cpg + cc;
            const float scale = gamma[c] * r, shift = beta[c] - m * scale;
            const float *xr = xs + cc * L, *dyr = dys + cc * L;
            float *dhr = dh + cc * L;
            f16 sdh = 0, sdhx = 0;
            long i = 0;
            for (; i + 16 <= L; i += 16) {
                f16 xv = FN(load16)(xr + i), d = FN(load16)(dyr + i);
                if (silu) {
                    f16 h = xv * scale + shift, s = FN(sigmoid16)(h);
                    d = d * s * (1 + h * (1 - s));
                    FN(store16)(dhr + i, d);
                }
                sdh += d;
                sdhx += d * ((xv - m) * r);
            }
            float a = FN(sum_lanes_f16)(sdh), b = FN(sum_lanes_f16)(sdhx);
            for (; i < L; i++) {
                float d = dyr[i];
                if (silu) {
                    float h = xr[i] * scale + shift, s = FN(sigmoid1)(h);
                    d = d * s * (1 + h * (1 - s));
                    dhr[i] = d;
                }
                a += d;
                b += d * ((xr[i] - m) * r);
            }
            partial_beta[n * C + c] = a;
            partial_gamma[n * C + c] = b;
            sum_dxhat += a * gamma[c];
            sum_dxhat_xhat += b * gamma[c];
        }
        if (!dx) continue;
        // 2. dx += rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂·x̂)),  dx̂ = dh·γ_c
        const float inv = 1 / (float)size;
        const float mean_dxhat = sum_dxhat * inv, mean_dxhat_xhat = sum_dxhat_xhat * inv;
        for (long cc = 0; cc < cpg; cc++) {
            const float gm = gamma[g * cpg + cc];
            const float *xr = xs + cc * L, *dhr = dhs + cc * L;
            float *dxr = dx + ng * size + cc * L;
            long i = 0;
            for (; i + 16 <= L; i += 16) {
                f16 xhat = (FN(load16)(xr + i) - m) * r;
                FN(store16)(dxr + i, FN(load16)(dxr + i) + r * (FN(load16)(dhr + i) * gm - mean_dxhat - xhat * mean_dxhat_xhat));
            }
            for (; i < L; i++) {
                float xhat = (xr[i] - m) * r;
                dxr[i] += r * (dhr[i] * gm - mean_dxhat - xhat * mean_dxhat_xhat);
            }
        }
    }
}
