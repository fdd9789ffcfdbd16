// The result of `ddpm evaluate`: what was scored, with what, and every metric next to its real-data
// floor. Written as JSON (schema below) and rendered as a table for the terminal.
import Foundation

/// A JSON evaluation report. Keys are stable (`schema` + `version` name the layout).
public struct EvaluationReport: Codable, Equatable, Sendable {
    public static let schemaName = "ddpm-evaluation"
    public static let currentVersion = 1

    /// Where the scored images came from.
    public struct Source: Codable, Equatable, Sendable {
        /// "checkpoint" (generated here) or "samples" (PNGs from `--samples DIR`).
        public var kind: String
        public var checkpoint: String?
        /// FNV-1a 64 of the checkpoint file.
        public var checkpointHash: String?
        public var checkpointStep: Int?
        public var sampler: String?
        public var steps: Int?
        public var eta: Double?
        public var seed: UInt64?
        public var samplesDirectory: String?
        public init(kind: String) { self.kind = kind }
    }

    /// The network that defined the features.
    public struct Network: Codable, Equatable, Sendable {
        public var path: String
        public var hash: String
        /// Test-split accuracy of the feature net (nil for Inception, which has no logits here).
        public var testAccuracy: Double?
        public init(path: String, hash: String, testAccuracy: Double?) {
            self.path = path
            self.hash = hash
            self.testAccuracy = testAccuracy
        }
    }

    public var schema = EvaluationReport.schemaName
    public var version = EvaluationReport.currentVersion
    public var dataset: String
    /// The real images the samples are compared with ("test").
    public var referenceSplit: String
    /// N: images scored, on each side.
    public var imageCount: Int
    public var source: Source
    public var featureNet: Network
    public var inception: Network?
    /// The samples' metrics.
    public var samples: QualityScores
    /// The same metrics for N real held-out images (the validation split, never trained on): what a
    /// perfect model would score at this N.
    public var floor: QualityScores
    public var nll: VariationalBoundEstimate?
    public var wallSeconds: Double

    public init(dataset: String, referenceSplit: String, imageCount: Int, source: Source, featureNet: Network, inception: Network?,
                samples: QualityScores, floor: QualityScores, nll: VariationalBoundEstimate?, wallSeconds: Double) {
        self.dataset = dataset
        self.referenceSplit = referenceSplit
        self.imageCount = imageCount
        self.source = source
        self.featureNet = featureNet
        self.inception = inception
        self.samples = samples
        self.floor = floor
        self.nll = nll
        self.wallSeconds = wallSeconds
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The readable table: one row per metric, samples next to the floor.
    public func table() -> String {
        func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
        func pm(_ m: Double, _ s: Double, _ digits: Int = 4) -> String { "\(f(m, digits)) ± \(f(s, digits))" }
        var rows: [(String, String, String)] = [
            ("FID (feature-net)", f(samples.fidFeatureNet), f(floor.fidFeatureNet)),
        ]
        if let a = samples.fidInception, let b = floor.fidInception { rows.append(("FID (Inception-v3 pool3)", f(a), f(b))) }
        rows += [
            ("KID (feature-net)", pm(samples.kid.mean, samples.kid.standardDeviation), pm(floor.kid.mean, floor.kid.standardDeviation)),
            ("IS (feature-net classifier)", pm(samples.inceptionScore.mean, samples.inceptionScore.standardDeviation, 2),
             pm(floor.inceptionScore.mean, floor.inceptionScore.standardDeviation, 2)),
            ("precision (k=\(samples.precisionRecall.k))", f(samples.precisionRecall.precision), f(floor.precisionRecall.precision)),
            ("recall (k=\(samples.precisionRecall.k))", f(samples.precisionRecall.recall), f(floor.precisionRecall.recall)),
            ("classes covered", "\(samples.classHistogram.coveredClasses)/\(samples.classHistogram.counts.count)",
             "\(floor.classHistogram.coveredClasses)/\(floor.classHistogram.counts.count)"),
            ("class-mix distance (TV)", f(samples.classMixDistance), f(floor.classMixDistance)),
            ("memorized share (< \(f(100 * samples.memorization.quantile, 0))% held-out NN dist.)",
             f(samples.memorization.share), f(floor.memorization.share)),
        ]
        let w0 = rows.map(\.0.count).max()!, w1 = max(rows.map(\.1.count).max()!, 7)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        var lines = ["\(dataset), N = \(imageCount) vs the \(referenceSplit) split; feature net \(featureNet.hash)"
                     + (featureNet.testAccuracy.map { " (test accuracy \(f(100 * $0, 2))%)" } ?? "")]
        lines.append(pad("metric", w0) + "  " + pad("samples", w1) + "  real floor")
        for r in rows { lines.append(pad(r.0, w0) + "  " + pad(r.1, w1) + "  " + r.2) }
        lines.append("class histogram of the samples: " + samples.classHistogram.counts.map(String.init).joined(separator: " "))
        if let nll { lines.append("NLL bound: \(f(nll.bitsPerDimension, 3)) bits/dim over \(nll.images) test images") }
        lines.append("wall time \(f(wallSeconds, 1)) s")
        return lines.joined(separator: "\n")
    }
}
