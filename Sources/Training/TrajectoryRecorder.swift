import DataIO
import Diffusion
import TensorCore

/// Keeps x_t and the predicted x_0 of the first images at some steps of a sampling run (about
/// ten evenly spaced ones, or the timesteps asked for), and draws them as a strip: one row pair
/// per image, one column per kept step, in sampling order.
public final class TrajectoryRecorder {
    public let keep: Set<Int>
    public let images: Int
    /// The paper timestep (0 = x_0) of each column, in sampling order.
    public let shownTimesteps: [Int]
    private var columns: [(xt: [Float], x0: [Float]?)] = []
    private var shape: [Int] = []

    /// - Parameters:
    ///   - timesteps: the timestep index of x after each step of the policy (`timestep(after:)`, −1 = x_0).
    ///   - images: how many images of the first batch to keep.
    public convenience init(timesteps: [Int], images: Int, columns: Int = 10) {
        let steps = timesteps.count, columns = min(columns, steps)
        self.init(keep: Set((0..<columns).map { $0 * (steps - 1) / max(columns - 1, 1) }), timesteps: timesteps, images: images)
    }

    /// Keeps, for each wanted paper timestep t (0 = x_0), the step whose x is nearest to t (the last
    /// such step when a schedule revisits it, as RePaint's does): the t themselves when the sampler
    /// visits them, the nearest visited ones when it is respaced (`shownTimesteps` says which).
    public convenience init(timesteps: [Int], showing wanted: [Int], images: Int) {
        var keep = Set<Int>()
        for t in wanted {
            let target = t - 1
            let best = timesteps.indices.min { a, b in
                let da = abs(timesteps[a] - target), db = abs(timesteps[b] - target)
                return da != db ? da < db : a > b
            }
            if let best { keep.insert(best) }
        }
        self.init(keep: keep, timesteps: timesteps, images: images)
    }

    private init(keep: Set<Int>, timesteps: [Int], images: Int) {
        self.keep = keep
        self.images = images
        shownTimesteps = keep.sorted().map { timesteps[$0] + 1 }
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
