import Foundation
import Testing
@testable import Metrics

@Suite struct EvaluationReportTests {
    static func scores(seed: UInt64) throws -> QualityScores {
        var g = RandomGeneratorFactory.make(seed: seed)
        let a = gaussian(60, 4, shift: 0, &g), b = gaussian(60, 4, shift: 0.2, &g), t = gaussian(80, 4, shift: 0, &g)
        func probabilities(_ n: Int) -> [Float] { (0..<(n * 3)).map { $0 % 3 == $0 / 3 % 3 ? 0.8 : 0.1 } }
        return try QualityScores.compute(ImageFeatures(features: a, probabilities: probabilities(60), classes: 3),
                                         reference: ImageFeatures(features: b, probabilities: probabilities(60), classes: 3),
                                         training: t, kidSubsets: 4, kidSubsetSize: 30, inceptionSplits: 3)
    }

    static func report() throws -> EvaluationReport {
        var source = EvaluationReport.Source(kind: "checkpoint")
        source.checkpoint = "runs/x/checkpoints/step-00000600.safetensors"
        source.checkpointHash = "abc123"
        source.sampler = "ddim"; source.steps = 50; source.seed = 7
        return EvaluationReport(dataset: "fashion-mnist", referenceSplit: "test", imageCount: 60, source: source,
                                featureNet: .init(path: "fn.safetensors", hash: "f00d", testAccuracy: 0.92), inception: nil,
                                samples: try scores(seed: 1), floor: try scores(seed: 2), nll: nil, wallSeconds: 12.5)
    }

    /// The keys other tools read, with their types: the report's schema, version 1.
    @Test func reportJSONHasTheDocumentedSchema() throws {
        let r = try Self.report()
        let json = try #require(try JSONSerialization.jsonObject(with: r.json()) as? [String: Any])
        #expect(Set(json.keys) == ["schema", "version", "dataset", "referenceSplit", "imageCount", "source", "featureNet", "samples", "floor", "wallSeconds"])
        #expect(json["schema"] as? String == "ddpm-evaluation" && json["version"] as? Int == 1)
        let source = try #require(json["source"] as? [String: Any])
        #expect(source["kind"] as? String == "checkpoint" && source["checkpointHash"] as? String == "abc123"
                && source["sampler"] as? String == "ddim" && source["steps"] as? Int == 50 && source["seed"] as? Int == 7)
        let net = try #require(json["featureNet"] as? [String: Any])
        #expect(net["hash"] as? String == "f00d" && net["testAccuracy"] as? Double == 0.92)
        for side in ["samples", "floor"] {
            let s = try #require(json[side] as? [String: Any])
            #expect(Set(s.keys) == ["fidFeatureNet", "kid", "inceptionScore", "precisionRecall", "classHistogram", "classMixDistance", "memorization"],
                    "\(side): \(s.keys.sorted())")
            #expect(Set((s["kid"] as? [String: Any])?.keys.map { $0 } ?? []) == ["mean", "standardDeviation", "subsets", "subsetSize"])
            #expect(Set((s["precisionRecall"] as? [String: Any])?.keys.map { $0 } ?? []) == ["precision", "recall", "k"])
            #expect(((s["classHistogram"] as? [String: Any])?["counts"] as? [Int])?.count == 3)
        }
        // Round trip.
        #expect(try JSONDecoder().decode(EvaluationReport.self, from: r.json()) == r)
    }

    @Test func tableLabelsTheFeatureNetFIDAndShowsTheFloor() throws {
        let table = try Self.report().table()
        #expect(table.contains("FID (feature-net)") && table.contains("real floor") && !table.contains("Inception FID"), "\(table)")
        #expect(table.contains("N = 60") && table.contains("test accuracy 92.00%"), "\(table)")
    }

    @Test func identicalSetsScoreAPerfectFloor() throws {
        var g = RandomGeneratorFactory.make(seed: 3)
        let a = gaussian(50, 4, shift: 0, &g), t = gaussian(50, 4, shift: 0, &g)
        let f = ImageFeatures(features: a, probabilities: [Float](repeating: 0.5, count: 100), classes: 2)
        let s = try QualityScores.compute(f, reference: f, training: t, kidSubsets: 3, kidSubsetSize: 20, inceptionSplits: 2)
        #expect(abs(s.fidFeatureNet) < 1e-9 && s.precisionRecall.precision == 1 && s.precisionRecall.recall == 1 && s.classMixDistance == 0)
    }
}
