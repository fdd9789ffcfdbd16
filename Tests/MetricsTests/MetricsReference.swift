// The committed reference values of scripts/fixtures/metrics_reference.py (numpy/scipy float64,
// mpmath at 60 digits for the exact Fréchet distances).
import Foundation
@testable import Metrics

struct MetricsReference: Decodable {
    struct FrechetCase: Decodable {
        let name: String
        let x1: [Double], x2: [Double]
        let n1: Int, n2: Int, d: Int
        let mu1: [Double], mu2: [Double], sigma1: [Double], sigma2: [Double]
        let rank1: Int, rank2: Int
        let frechet_exact: Double
        let frechet_pytorch_fid: Double

        var features1: FeatureMatrix { FeatureMatrix(count: n1, dimension: d, values: x1.map(Float.init)) }
        var features2: FeatureMatrix { FeatureMatrix(count: n2, dimension: d, values: x2.map(Float.init)) }
        var statistics1: GaussianStatistics { GaussianStatistics(count: n1, mean: mu1, covariance: sigma1) }
        var statistics2: GaussianStatistics { GaussianStatistics(count: n2, mean: mu2, covariance: sigma2) }
    }
    struct KIDCase: Decodable { let x: [Double], y: [Double], m: Int, n: Int, d: Int, mmd2: Double }
    struct ISCase: Decodable { let p: [Double], n: Int, classes: Int, splits: Int, mean: Double, std: Double }

    let provenance: String
    let frechet: [FrechetCase]
    let kid: KIDCase
    let inception_score: ISCase

    static let shared: MetricsReference = {
        let url = URL(fileURLWithPath: Bundle.module.resourcePath! + "/Fixtures/metrics_reference.json")
        return try! JSONDecoder().decode(MetricsReference.self, from: Data(contentsOf: url))
    }()
}
