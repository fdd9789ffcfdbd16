// Tensors of random draws with one generator per image (the sampler's reproducibility rule).

extension Tensor {
    /// `[B] + imageShape` standard normal values; image i is drawn from `generators[i]`
    /// (B = `generators.count`), so each image's values depend only on its own stream.
    public static func standardNormal(imageShape: [Int], generators: inout [RandomGenerator]) -> Tensor {
        let per = imageShape.reduce(1, *)
        let x = Tensor.uninitialized([generators.count] + imageShape)
        Kernels.fillNormalPerRow(x.pointer, per: per, generators: &generators)
        return x
    }
}
