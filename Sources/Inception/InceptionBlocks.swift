// The stem and the Mixed blocks of the FID Inception-v3, as pytorch-fid defines them (its
// FIDInceptionA, FIDInceptionC, FIDInceptionE_1 and FIDInceptionE_2 patch torchvision's blocks
// to match the 2015 TensorFlow graph; InceptionB and InceptionD are torchvision's own). Layer
// names are pytorch-fid's state-dict keys; channel counts are those of the standard network
// (`InceptionArchitecture` scales them for the small test fixtures).
//
// Spatial sizes for a 299×299 input: stem → 35×35, Mixed_6a → 17×17, Mixed_7a → 8×8.

import TensorCore

/// One stage of the network.
protocol InceptionStage {
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// Average pooling of Inception's pool branches: TensorFlow's 3×3 "SAME" pool, which averages over
/// the in-image part of each window only (pytorch-fid's patch, `count_include_pad=False`).
private func sameAveragePool(_ x: Tensor) -> Tensor { x.avgPooled2d(kernel: 3, stride: 1, padding: 1, countIncludePad: false) }

/// Conv2d_1a_3x3 … Conv2d_4a_3x3 with the two 3×3 stride-2 max pools: pytorch-fid's blocks 0 and 1.
struct InceptionStem: InceptionStage {
    let conv1a, conv2a, conv2b, conv3b, conv4a: ConvBNReLU

    init(_ r: inout InceptionWeightReader) throws {
        conv1a = try r.layer("Conv2d_1a_3x3", 3, 32, k: 3, stride: 2)
        conv2a = try r.layer("Conv2d_2a_3x3", 32, 32, k: 3)
        conv2b = try r.layer("Conv2d_2b_3x3", 32, 64, k: 3, padding: 1)
        conv3b = try r.layer("Conv2d_3b_1x1", 64, 80, k: 1)
        conv4a = try r.layer("Conv2d_4a_3x3", 80, 192, k: 3)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let block0 = conv2b(conv2a(conv1a(x))).maxPooled2d(kernel: 3, stride: 2)
        return conv4a(conv3b(block0)).maxPooled2d(kernel: 3, stride: 2)
    }
}

/// Mixed_5b/5c/5d (FIDInceptionA): 1×1, 5×5, double 3×3 and pooled 1×1 branches.
/// Output channels: 64 + 64 + 96 + `poolFeatures`.
struct InceptionA: InceptionStage {
    let branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branchPool: ConvBNReLU

    init(_ r: inout InceptionWeightReader, _ name: String, inputs c: Int, poolFeatures: Int) throws {
        branch1x1 = try r.layer("\(name).branch1x1", c, 64, k: 1)
        branch5x5_1 = try r.layer("\(name).branch5x5_1", c, 48, k: 1)
        branch5x5_2 = try r.layer("\(name).branch5x5_2", 48, 64, k: 5, padding: 2)
        branch3x3dbl_1 = try r.layer("\(name).branch3x3dbl_1", c, 64, k: 1)
        branch3x3dbl_2 = try r.layer("\(name).branch3x3dbl_2", 64, 96, k: 3, padding: 1)
        branch3x3dbl_3 = try r.layer("\(name).branch3x3dbl_3", 96, 96, k: 3, padding: 1)
        branchPool = try r.layer("\(name).branch_pool", c, poolFeatures, k: 1)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.concatenate([
            branch1x1(x),
            branch5x5_2(branch5x5_1(x)),
            branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
            branchPool(sameAveragePool(x)),
        ], axis: 1)
    }
}

/// Mixed_6a (torchvision's InceptionB): the 35→17 grid reduction. Output: 384 + 96 + input channels.
struct InceptionB: InceptionStage {
    let branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3: ConvBNReLU

    init(_ r: inout InceptionWeightReader, _ name: String, inputs c: Int) throws {
        branch3x3 = try r.layer("\(name).branch3x3", c, 384, k: 3, stride: 2)
        branch3x3dbl_1 = try r.layer("\(name).branch3x3dbl_1", c, 64, k: 1)
        branch3x3dbl_2 = try r.layer("\(name).branch3x3dbl_2", 64, 96, k: 3, padding: 1)
        branch3x3dbl_3 = try r.layer("\(name).branch3x3dbl_3", 96, 96, k: 3, stride: 2)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.concatenate([
            branch3x3(x),
            branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
            x.maxPooled2d(kernel: 3, stride: 2),
        ], axis: 1)
    }
}

/// Mixed_6b…6e (FIDInceptionC): factorized 7×7 branches (1×7 then 7×1) of width `c7`.
/// Output channels: 4 × 192.
struct InceptionC: InceptionStage {
    let branch1x1: ConvBNReLU
    let branch7x7_1, branch7x7_2, branch7x7_3: ConvBNReLU
    let branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5: ConvBNReLU
    let branchPool: ConvBNReLU

    init(_ r: inout InceptionWeightReader, _ name: String, inputs c: Int, channels7x7 c7: Int) throws {
        let row = (rows: 1, columns: 7), column = (rows: 7, columns: 1)
        let padRow = (rows: 0, columns: 3), padColumn = (rows: 3, columns: 0)
        branch1x1 = try r.layer("\(name).branch1x1", c, 192, k: 1)
        branch7x7_1 = try r.layer("\(name).branch7x7_1", c, c7, k: 1)
        branch7x7_2 = try r.layer("\(name).branch7x7_2", c7, c7, kernel: row, padding: padRow)
        branch7x7_3 = try r.layer("\(name).branch7x7_3", c7, 192, kernel: column, padding: padColumn)
        branch7x7dbl_1 = try r.layer("\(name).branch7x7dbl_1", c, c7, k: 1)
        branch7x7dbl_2 = try r.layer("\(name).branch7x7dbl_2", c7, c7, kernel: column, padding: padColumn)
        branch7x7dbl_3 = try r.layer("\(name).branch7x7dbl_3", c7, c7, kernel: row, padding: padRow)
        branch7x7dbl_4 = try r.layer("\(name).branch7x7dbl_4", c7, c7, kernel: column, padding: padColumn)
        branch7x7dbl_5 = try r.layer("\(name).branch7x7dbl_5", c7, 192, kernel: row, padding: padRow)
        branchPool = try r.layer("\(name).branch_pool", c, 192, k: 1)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let double = branch7x7dbl_3(branch7x7dbl_2(branch7x7dbl_1(x)))
        return Tensor.concatenate([
            branch1x1(x),
            branch7x7_3(branch7x7_2(branch7x7_1(x))),
            branch7x7dbl_5(branch7x7dbl_4(double)),
            branchPool(sameAveragePool(x)),
        ], axis: 1)
    }
}

/// Mixed_7a (torchvision's InceptionD): the 17→8 grid reduction. Output: 320 + 192 + input channels.
struct InceptionD: InceptionStage {
    let branch3x3_1, branch3x3_2: ConvBNReLU
    let branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4: ConvBNReLU

    init(_ r: inout InceptionWeightReader, _ name: String, inputs c: Int) throws {
        branch3x3_1 = try r.layer("\(name).branch3x3_1", c, 192, k: 1)
        branch3x3_2 = try r.layer("\(name).branch3x3_2", 192, 320, k: 3, stride: 2)
        branch7x7x3_1 = try r.layer("\(name).branch7x7x3_1", c, 192, k: 1)
        branch7x7x3_2 = try r.layer("\(name).branch7x7x3_2", 192, 192, kernel: (1, 7), padding: (0, 3))
        branch7x7x3_3 = try r.layer("\(name).branch7x7x3_3", 192, 192, kernel: (7, 1), padding: (3, 0))
        branch7x7x3_4 = try r.layer("\(name).branch7x7x3_4", 192, 192, k: 3, stride: 2)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.concatenate([
            branch3x3_2(branch3x3_1(x)),
            branch7x7x3_4(branch7x7x3_3(branch7x7x3_2(branch7x7x3_1(x)))),
            x.maxPooled2d(kernel: 3, stride: 2),
        ], axis: 1)
    }
}

/// Mixed_7b (FIDInceptionE_1) and Mixed_7c (FIDInceptionE_2): expanded 1×3 / 3×1 branches.
/// Output channels: 320 + 2·384 + 2·384 + 192 = 2048. The two differ only in the pool branch:
/// E_1 averages without the padding, E_2 takes the maximum — a quirk of the TensorFlow graph that
/// pytorch-fid reproduces (torchvision's InceptionE averages in both).
struct InceptionE: InceptionStage {
    enum PoolBranch { case average, maximum }

    let branch1x1: ConvBNReLU
    let branch3x3_1, branch3x3_2a, branch3x3_2b: ConvBNReLU
    let branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b: ConvBNReLU
    let branchPool: ConvBNReLU
    let pool: PoolBranch

    init(_ r: inout InceptionWeightReader, _ name: String, inputs c: Int, pool: PoolBranch) throws {
        branch1x1 = try r.layer("\(name).branch1x1", c, 320, k: 1)
        branch3x3_1 = try r.layer("\(name).branch3x3_1", c, 384, k: 1)
        branch3x3_2a = try r.layer("\(name).branch3x3_2a", 384, 384, kernel: (1, 3), padding: (0, 1))
        branch3x3_2b = try r.layer("\(name).branch3x3_2b", 384, 384, kernel: (3, 1), padding: (1, 0))
        branch3x3dbl_1 = try r.layer("\(name).branch3x3dbl_1", c, 448, k: 1)
        branch3x3dbl_2 = try r.layer("\(name).branch3x3dbl_2", 448, 384, k: 3, padding: 1)
        branch3x3dbl_3a = try r.layer("\(name).branch3x3dbl_3a", 384, 384, kernel: (1, 3), padding: (0, 1))
        branch3x3dbl_3b = try r.layer("\(name).branch3x3dbl_3b", 384, 384, kernel: (3, 1), padding: (1, 0))
        branchPool = try r.layer("\(name).branch_pool", c, 192, k: 1)
        self.pool = pool
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let a = branch3x3_1(x)
        let b = branch3x3dbl_2(branch3x3dbl_1(x))
        let pooled = switch pool {
        case .average: sameAveragePool(x)
        case .maximum: x.maxPooled2d(kernel: 3, stride: 1, padding: 1)
        }
        return Tensor.concatenate([
            branch1x1(x),
            branch3x3_2a(a), branch3x3_2b(a),
            branch3x3dbl_3a(b), branch3x3dbl_3b(b),
            branchPool(pooled),
        ], axis: 1)
    }
}
