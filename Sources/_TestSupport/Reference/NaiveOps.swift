// Naive loop implementations in Double, written straight from the definitions: the references
// the fast kernels are compared against. Slow on purpose; never used outside tests.
import Foundation

public enum Naive {
    /// y[n, co, oh, ow] = b[co] + Σ w[co, ci, i, j] · x[n, ci, oh·s − p + i, ow·s − p + j]
    public static func conv2d(x: [Float], _ xs: [Int], w: [Float], _ ws: [Int], bias: [Float]?, stride s: Int, padding p: Int) -> (values: [Double], shape: [Int]) {
        let (N, C, H, W) = (xs[0], xs[1], xs[2], xs[3]), (Co, kh, kw) = (ws[0], ws[2], ws[3])
        let Ho = (H + 2 * p - kh) / s + 1, Wo = (W + 2 * p - kw) / s + 1
        var y = [Double](repeating: 0, count: N * Co * Ho * Wo)
        for n in 0..<N { for co in 0..<Co { for oh in 0..<Ho { for ow in 0..<Wo {
            var acc = Double(bias?[co] ?? 0)
            for ci in 0..<C { for i in 0..<kh { for j in 0..<kw {
                let ih = oh * s - p + i, iw = ow * s - p + j
                if ih >= 0 && ih < H && iw >= 0 && iw < W {
                    acc += Double(w[((co * C + ci) * kh + i) * kw + j]) * Double(x[((n * C + ci) * H + ih) * W + iw])
                }
            } } }
            y[((n * Co + co) * Ho + oh) * Wo + ow] = acc
        } } } }
        return (y, [N, Co, Ho, Wo])
    }

    /// GroupNorm with biased variance, as PyTorch computes it.
    public static func groupNorm(x: [Float], _ shape: [Int], groups G: Int, gamma: [Float], beta: [Float], eps: Double) -> [Double] {
        let N = shape[0], C = shape[1], L = x.count / (N * C), cpg = C / G
        var y = [Double](repeating: 0, count: x.count)
        for n in 0..<N { for g in 0..<G {
            var vals: [Double] = []
            for c in (g * cpg)..<((g + 1) * cpg) { for l in 0..<L { vals.append(Double(x[(n * C + c) * L + l])) } }
            let mean = vals.reduce(0, +) / Double(vals.count)
            let variance = vals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(vals.count)
            for c in (g * cpg)..<((g + 1) * cpg) { for l in 0..<L {
                let i = (n * C + c) * L + l
                y[i] = (Double(x[i]) - mean) / (variance + eps).squareRoot() * Double(gamma[c]) + Double(beta[c])
            } }
        } }
        return y
    }

    /// softmax(q·kᵀ / √d) · v for one head: q [Lq, d], k [Lk, d], v [Lk, dv].
    public static func attention(q: [Float], k: [Float], v: [Float], lq: Int, lk: Int, d: Int, dv: Int) -> [Double] {
        var out = [Double](repeating: 0, count: lq * dv)
        for i in 0..<lq {
            var scores = [Double](repeating: 0, count: lk)
            for j in 0..<lk {
                var s = 0.0
                for t in 0..<d { s += Double(q[i * d + t]) * Double(k[j * d + t]) }
                scores[j] = s / Double(d).squareRoot()
            }
            let m = scores.max()!
            let e = scores.map { Foundation.exp($0 - m) }
            let z = e.reduce(0, +)
            for j in 0..<lk { for t in 0..<dv { out[i * dv + t] += e[j] / z * Double(v[j * dv + t]) } }
        }
        return out
    }

    /// Nearest 2× upsampling: y[n, c, i, j] = x[n, c, i/2, j/2].
    public static func upsample2x(x: [Float], _ shape: [Int]) -> [Double] {
        let (P, H, W) = (shape[0] * shape[1], shape[2], shape[3])
        var y = [Double](repeating: 0, count: P * 4 * H * W)
        for p in 0..<P { for i in 0..<(2 * H) { for j in 0..<(2 * W) {
            y[(p * 2 * H + i) * 2 * W + j] = Double(x[(p * H + i / 2) * W + j / 2])
        } } }
        return y
    }

    /// C[m×n] = op(A)·op(B) in Double, row-major; A is k×m when `transA`, B is n×k when `transB`.
    public static func matmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transA: Bool, transB: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    s += Double(transA ? a[p * m + i] : a[i * k + p]) * Double(transB ? b[j * k + p] : b[p * n + j])
                }
                c[i * n + j] = s
            }
        }
        return c
    }
}
