// PNG files as an Inception input batch, read the way pytorch-fid reads image files: every channel
// layout becomes RGB (gray repeated), no crop and no resize here (the network resizes to 299×299),
// 8-bit values v mapped to v / 127.5 − 1, i.e. pytorch-fid's [0, 1] input after its 2x − 1.

import DataIO
import TensorCore

public enum InceptionImages {
    /// `files` (PNGs of one size) as `[N, 3, H, W]` in [-1, 1], in the given order.
    ///
    /// Transparency is composited onto black (DataIO's `PNGImage.read`); PIL's `convert("RGB")`,
    /// which pytorch-fid uses, drops alpha instead. The two agree on opaque images, which is what
    /// samplers and datasets write.
    public static func load(_ files: [String]) throws -> Tensor {
        guard let first = files.first else { return Tensor.zeros([0, 3, 0, 0]) }
        let reference = try PNGImage.read(from: first)
        let (w, h) = (reference.width, reference.height)
        var values = [Float]()
        values.reserveCapacity(files.count * 3 * h * w)
        for file in files {
            let png = file == first ? reference : try PNGImage.read(from: file)
            guard png.width == w && png.height == h else {
                throw DataFileError.mismatched("\(file) is \(png.width)x\(png.height) but \(first) is \(w)x\(h); the images of one batch must share a size")
            }
            for c in 0..<3 {
                let source = png.channels == 1 ? 0 : c
                for p in 0..<(w * h) { values.append(Float(png.pixels[p * png.channels + source]) / 127.5 - 1) }
            }
        }
        return Tensor(shape: [files.count, 3, h, w], values: values)
    }
}
