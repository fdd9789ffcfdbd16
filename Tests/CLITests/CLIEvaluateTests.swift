import DataIO
import Foundation
import Testing
import _TestSupport

/// `ddpm evaluate` end to end on the tiny 8×8 IDX dataset: feature-net training, evaluation of a
/// 3-step model with every output, and the error paths of issue 9 item 7.
@Suite struct CLIEvaluateTests {
    static let cache = ["--cache-dir", "cache"]

    /// Data, a tiny trained model in `run`, and a feature network in `cache`.
    static func prepare() throws -> WorkFolder {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let train = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "3", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        let net = try work.ddpm(["evaluate", "--train-feature-net", "--dataset", "mnist", "--data-dir", "data", "--feature-net-epochs", "1"] + cache)
        #expect(net.status == 0, "\(net)")
        #expect(net.stdout.contains("feature network for mnist: test accuracy"), "\(net)")
        #expect(work.exists("cache/feature-nets/mnist.safetensors"))
        return work
    }

    @Test func evaluateWritesTableReportFeaturesAndSamples() throws {
        let work = try Self.prepare()
        let run = try work.ddpm(["evaluate", "--checkpoint", "run", "--n", "20", "--sampler", "ddim", "--steps", "3", "--batch-size", "8",
                                 "--kid-subsets", "3", "--kid-subset-size", "10", "--features-out", "f.npy", "--keep-samples", "kept"] + Self.cache)
        #expect(run.status == 0, "\(run)")
        for label in ["FID (feature-net)", "KID (feature-net)", "precision (k=3)", "recall (k=3)", "real floor", "memorized share"] {
            #expect(run.stdout.contains(label), "table should show \(label)\n\(run)")
        }
        #expect(!run.stdout.contains("Inception FID"), "the feature-net FID is never called Inception FID")
        #expect(run.stderr.contains("generate"), "progress on stderr\n\(run)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work.file("evaluation.json")))) as? [String: Any])
        #expect(report["schema"] as? String == "ddpm-evaluation" && report["version"] as? Int == 1 && report["imageCount"] as? Int == 20)
        let source = try #require(report["source"] as? [String: Any])
        #expect(source["sampler"] as? String == "ddim" && source["steps"] as? Int == 3 && source["seed"] as? Int == 0)
        #expect((source["checkpointHash"] as? String)?.isEmpty == false)
        #expect(((report["featureNet"] as? [String: Any])?["hash"] as? String)?.isEmpty == false)
        for side in ["samples", "floor"] {
            let s = try #require(report[side] as? [String: Any], "\(side)")
            #expect(s["fidFeatureNet"] is Double && (s["kid"] as? [String: Any])?["mean"] is Double, "\(side): \(s)")
        }
        #expect(report["wallSeconds"] is Double)
        #expect((try FileManager.default.contentsOfDirectory(atPath: work.file("kept"))).filter { $0.hasSuffix(".png") }.count == 20)
        let npy = try DurableFile.read(work.file("f.npy"))
        #expect(Array(npy.prefix(6)) == [0x93] + Array("NUMPY".utf8) && String(decoding: npy.prefix(128), as: UTF8.self).contains("'shape': (20, 128)"))
        #expect(work.exists("f-reference.npy") && work.exists("f-heldout.npy"))

        // The kept PNGs can be scored again (other tools can score them too); real features are cached.
        let again = try work.ddpm(["evaluate", "--samples", "kept", "--dataset", "mnist", "--data-dir", "data", "--n", "20",
                                   "--kid-subsets", "3", "--kid-subset-size", "10", "--report", "r2.json"] + Self.cache)
        #expect(again.status == 0, "\(again)")
        #expect(!again.stderr.contains("computing feature-net features"), "real features come from the cache the second time\n\(again)")

        // N larger than the real images available.
        let tooMany = try work.ddpm(["evaluate", "--checkpoint", "run", "--n", "20000", "--report", "r3.json"] + Self.cache)
        expectUserError(tooMany, mentions: ["--n 20000", "10000 held-out"])
        // A weights file of the wrong network: the feature net as Inception, a checkpoint as the feature net.
        let wrongInception = try work.ddpm(["evaluate", "--checkpoint", "run", "--n", "20", "--report", "r4.json",
                                            "--inception-weights", "cache/feature-nets/mnist.safetensors"] + Self.cache)
        expectUserError(wrongInception, mentions: ["cache/feature-nets/mnist.safetensors", "not the FID Inception-v3"])
        let wrongNet = try work.ddpm(["evaluate", "--checkpoint", "run", "--n", "20", "--report", "r5.json",
                                      "--feature-net", "run/checkpoints/step-00000003.safetensors"] + Self.cache)
        expectUserError(wrongNet, mentions: ["step-00000003.safetensors is not a ddpm feature network"])
        let missingInception = try work.ddpm(["evaluate", "--checkpoint", "run", "--n", "20", "--report", "r6.json",
                                              "--inception-weights", "nowhere.safetensors"] + Self.cache)
        expectUserError(missingInception, mentions: ["--inception-weights nowhere.safetensors", "scripts/convert-inception.sh"])
        // Training-time evaluation: FID (feature-net) and KID logged, drawn, and watched by early stopping.
        let train = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "6", "--run-dir", "run2", "--evaluate-every", "3",
                                   "--evaluate-n", "10", "--early-stopping", "5", "--early-stopping-metric", "fid"] + Self.cache)
        #expect(train.status == 0, "\(train)")
        #expect(train.stderr.contains("FID (feature-net)"), "\(train)")
        let log = try String(contentsOfFile: work.file("run2/metrics.jsonl"), encoding: .utf8)
        #expect(log.split(separator: "\n").filter { $0.contains("\"fidFeatureNet\"") && $0.contains("\"kid\"") }.count == 2, "\(log)")
        #expect(work.exists("run2/fid.png") && work.exists("run2/checkpoints/best.safetensors"))
        // The report is not overwritten without --force.
        let exists = try work.ddpm(["evaluate", "--checkpoint", "run", "--n", "20"] + Self.cache)
        expectUserError(exists, mentions: ["--report evaluation.json", "--force"])
    }

    /// A run on some classes is scored against the test images of those classes only (the 10,064
    /// test images cycle labels 0-9, so classes 0 and 1 have 2,014).
    @Test func trainingFIDOfAClassSubsetUsesOnlyThoseTestImages() throws {
        let work = try Self.prepare()
        let args = ["train"] + CLIPipelineTests.tinyModel + ["--steps", "3", "--classes-subset", "0,1", "--evaluate-every", "3"] + Self.cache
        let run = try work.ddpm(args + ["--evaluate-n", "10", "--run-dir", "subset"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("computing feature-net features of the 2014 test images"), "\(run)")
        expectUserError(try work.ddpm(args + ["--evaluate-n", "3000", "--run-dir", "subset2"]),
                        mentions: ["--evaluate-n 3000 is larger than the 2014 test images of classes 0,1 of mnist"])
        // ddpm evaluate compares the run with the same classes (its test features are already cached).
        let evaluate = try work.ddpm(["evaluate", "--checkpoint", "subset", "--n", "20", "--sampler", "ddim", "--steps", "3",
                                      "--kid-subsets", "3", "--kid-subset-size", "10", "--report", "subset.json"] + Self.cache)
        #expect(evaluate.status == 0, "\(evaluate)")
        #expect(evaluate.stderr.contains("trained on classes 0,1 (--classes-subset): real images of those classes only"), "\(evaluate)")
        #expect(!evaluate.stderr.contains("features of the 10064 test images"), "\(evaluate)")
    }

    /// `inpaint --feature-score` (issue 8 point 6): FID (feature-net) and KID of the completions against their inputs.
    @Test func inpaintScoresCompletionsInFeatureSpace() throws {
        let work = try Self.prepare()
        let run = try work.ddpm(["inpaint", "--checkpoint", "run", "--mask", "upper-half", "--n", "6", "--n-per-image", "2", "--steps", "3",
                                 "--resample", "1", "--feature-score", "--out", "g.png"] + Self.cache)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("feature space (feature-net ") && run.stdout.contains("12 completions against their 6 inputs"), "\(run)")
        // Without the network: one line, before any model evaluation writes anything.
        let none = try work.ddpm(["inpaint", "--checkpoint", "run", "--n", "2", "--steps", "3", "--feature-score", "--out", "h.png",
                                  "--cache-dir", "nowhere"])
        expectUserError(none, mentions: ["--feature-score needs the feature network of mnist", "ddpm evaluate --train-feature-net --dataset mnist"])
        #expect(!work.exists("h.png"))
    }

    @Test func evaluateErrorsWithoutFeatureNetOrWithAMismatchedDataset() throws {
        let work = try WorkFolder()
        try CLIPipelineTests.writeIDXDataset(in: work.file("data"))
        let train = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "1", "--run-dir", "run"])
        #expect(train.status == 0, "\(train)")
        let none = try work.ddpm(["evaluate", "--checkpoint", "run", "--n", "20"] + Self.cache)
        expectUserError(none, mentions: ["no feature network for mnist yet", "ddpm evaluate --train-feature-net --dataset mnist"])
        // The checkpoint makes 1×8×8 images; Fashion-MNIST's are 1×28×28 (a data folder of 28×28 IDX files).
        try FileManager.default.createDirectory(atPath: work.file("fashion"), withIntermediateDirectories: true)
        let count = 10_010
        for prefix in ["train", "t10k"] {
            try IDX.write(IDXArray(dims: [count, 28, 28], bytes: [UInt8](repeating: 7, count: count * 784)),
                          to: work.file("fashion/\(prefix)-images-idx3-ubyte"), gzip: false)
            try IDX.write(IDXArray(dims: [count], bytes: [UInt8](repeating: 1, count: count)), to: work.file("fashion/\(prefix)-labels-idx1-ubyte"), gzip: false)
        }
        let mismatch = try work.ddpm(["evaluate", "--checkpoint", "run", "--n", "20", "--dataset", "fashion-mnist", "--data-dir", "fashion"] + Self.cache)
        expectUserError(mismatch, mentions: ["run/checkpoints/step-00000001.safetensors was trained on mnist, 1×8×8 images",
                                             "--dataset fashion-mnist gives fashion-mnist, 1×28×28 images"])
        // Same image shape, other dataset (issue 13 point 7): DataCompatibility names both sides.
        let otherKind = try work.ddpm(["evaluate", "--checkpoint", "run", "--n", "20", "--dataset", "fashion-mnist", "--data-dir", "data"] + Self.cache)
        expectUserError(otherKind, mentions: ["was trained on mnist, 1×8×8 images", "--dataset fashion-mnist gives fashion-mnist, 1×8×8 images"])
        // train --evaluate-every without a feature network fails before the run folder exists.
        let noNet = try work.ddpm(["train"] + CLIPipelineTests.tinyModel + ["--steps", "2", "--run-dir", "run-fid", "--evaluate-every", "1",
                                   "--evaluate-n", "10"] + Self.cache)
        expectUserError(noNet, mentions: ["--evaluate-every needs the feature network of mnist", "--train-feature-net --dataset mnist"])
        #expect(!work.exists("run-fid"), "no empty run folder is left behind")
    }
}
