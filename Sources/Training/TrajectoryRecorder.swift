import DataIO
import Diffusion
import TensorCore

/// Keeps x_t and the predicted x_0 of the first images at about ten evenly spaced steps of a
/// sampling run, and draws them as a strip: one row pair per image, one column per kept step.
public final class TrajectoryRecorder {
    public let keep: Set<Int>
    public let images: Int
    private var columns: [(xt: [Float], x0: [Float]?)] = []
    private var shape: [Int] = []

    /// - Parameters:
    ///   - steps: the policy's step count.
    ///   - images: how many images of the first batch to keep.
    public init(steps: Int, images: Int, columns: Int = 10) {
        let columns = min(columns, steps)
        keep = Set((0..<columns).map { $0 * (steps - 1) / max(columns - 1, 1) })
        self.images = images
    }

    public func record(_ point: SamplingDriver.TrajectoryPoint) {
        guard keep.contains(point.step) else { return }
        let per = point.x.count / point.x.shape[0]
        shape = Array(point.x.shape.dropFirst())
        columns.append((Array(point.x.scalars.prefix(images * per)), point.predictedX0.map { Array($0.scalars.prefix(images * per)) }))
    }

    /// Rows: image 0's x_t, image 0's x̂_0, image 1's x_t, …; columns: recorded steps. A step that
    /// predicted no x̂_0 (e.g. RePaint's re-noising) shows a grey tile there.
    public func strip() -> PNGImage {
        let per = shape.reduce(1, *), cols = columns.count
        let grey = [Float](repeating: 0, count: per)
        var tiles: [Float] = []
        for i in 0..<images {
            for c in columns { tiles += c.xt[(i * per)..<((i + 1) * per)].map { min(max($0, -1), 1) } }
            for c in columns { tiles += c.x0.map { Array($0[(i * per)..<((i + 1) * per)]) } ?? grey }
        }
        return PNGImage.grid(tiles, n: 2 * images * cols, c: shape[0], h: shape[1], w: shape[2], rows: 2 * images, cols: cols)
    }
}
