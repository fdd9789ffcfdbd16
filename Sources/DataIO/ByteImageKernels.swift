// The raw-pointer loop of the data path: one image of (possibly memory-mapped) bytes to Float in
// [-1, 1]. It reads ImageBytes' pointer, which never becomes a Tensor, so it lives here.

enum ByteImageKernels {
    /// `rows` rows of `width` bytes → Float x/127.5 − 1, each row reversed when `mirrored`
    /// (x' = W − 1 − x). 127.5 is exact in binary, so 0 and 255 land exactly on −1 and 1.
    static func toUnitRange(_ source: UnsafePointer<UInt8>, into target: UnsafeMutablePointer<Float>,
                            rows: Int, width: Int, mirrored: Bool) {
        for row in 0..<rows {
            let s = source + row * width, t = target + row * width
            if mirrored {
                for x in 0..<width { t[x] = Float(s[width - 1 - x]) / 127.5 - 1 }
            } else {
                for x in 0..<width { t[x] = Float(s[x]) / 127.5 - 1 }
            }
        }
    }
}
