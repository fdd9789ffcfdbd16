// Inception's basic layer (pytorch-fid's BasicConv2d): a bias-free convolution, batch norm with the
// running statistics (eps 1e-3), then ReLU. Inference only, so the batch norm is folded into the
// convolution when the weights are loaded:
//
//     s = γ / √(var + eps),   W' = W · s (per output channel),   b' = β − mean · s
//     y = relu(conv(x, W') + b')   which equals   relu(BN(conv(x, W)))

import TensorCore

/// One conv + folded batch norm + ReLU layer.
struct ConvBNReLU {
    /// `[Cout, Cin, kh, kw]`, batch-norm scale folded in.
    let weight: Tensor
    /// `[Cout]`, the folded batch-norm shift.
    let bias: Tensor
    let stride: Int
    /// Zero padding of the rows and of the columns (1×7 and 7×1 kernels pad only one axis).
    let padding: (rows: Int, columns: Int)

    /// Batch norm's epsilon in the TensorFlow graph and in pytorch-fid (`BatchNorm2d(eps=0.001)`).
    static let batchNormEpsilon = 1e-3

    init(weight: [Float], shape: [Int], gamma: [Float], beta: [Float], mean: [Float], variance: [Float],
         stride: Int, padding: (rows: Int, columns: Int)) {
        let cout = shape[0], perChannel = weight.count / max(cout, 1)
        var folded = weight, shift = [Float](repeating: 0, count: cout)
        for c in 0..<cout {
            // In Double: var + eps and the square root are where float32 would lose digits.
            let s = Double(gamma[c]) / (Double(variance[c]) + Self.batchNormEpsilon).squareRoot()
            for i in (c * perChannel)..<((c + 1) * perChannel) { folded[i] = Float(Double(weight[i]) * s) }
            shift[c] = Float(Double(beta[c]) - Double(mean[c]) * s)
        }
        self.weight = Tensor(shape: shape, values: folded)
        self.bias = Tensor(shape: [cout], values: shift)
        self.stride = stride
        self.padding = padding
    }

    var outputChannels: Int { weight.shape[0] }

    func callAsFunction(_ x: Tensor) -> Tensor {
        if padding.rows == padding.columns {
            return x.conv2d(weight, bias, stride: stride, padding: padding.rows).relu()
        }
        // Asymmetric kernels (1×7, 7×1, 1×3, 3×1): pad explicitly, then convolve unpadded.
        let padded = x.padded2d(top: padding.rows, bottom: padding.rows, left: padding.columns, right: padding.columns)
        return padded.conv2d(weight, bias, stride: stride, padding: 0).relu()
    }
}
