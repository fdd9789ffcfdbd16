import ArgumentParser
import DataIO
import Metrics

/// What `ddpm evaluate` scores and with which networks.
struct EvaluateOptions: ParsableArguments {
    @Option(name: .customLong("n"), help: "Images to score (N samples against N test images; the floor uses N held-out images).")
    var count = 1000
    @Option(help: "Images generated (and featurized) together.") var batchSize = 100
    @Option(help: ArgumentHelp("Score the PNGs in this folder instead of generating (needs --dataset).", valueName: "dir"))
    var samples: String?
    @Option(help: ArgumentHelp("Also write every generated image as a PNG into this folder.", valueName: "dir"))
    var keepSamples: String?
    @Option(help: "Dataset to compare with (default: the checkpoint's).") var dataset: DatasetKind?
    @Option(help: ArgumentHelp("Folder holding the dataset's files (default: the checkpoint's, else the standard place).", valueName: "dir"))
    var dataDir: String?
    @Option(help: ArgumentHelp("Feature network file (default: the cached one for the dataset).", valueName: "file"))
    var featureNet: String?
    @Option(help: ArgumentHelp("Cache of feature networks and real-data features (default: $DDPM_CACHE_DIR or ~/.cache/ddpm).", valueName: "dir"))
    var cacheDir: String?
    @Option(help: ArgumentHelp("FID Inception-v3 weights (safetensors) for the standard FID; see scripts/convert-inception.sh.", valueName: "file"))
    var inceptionWeights: String?
    @Option(help: ArgumentHelp("Where to write the JSON report.", valueName: "file")) var report = "evaluation.json"
    @Option(help: ArgumentHelp("Write the samples' feature-net features as a float32 .npy (and -reference/-heldout files beside it).", valueName: "file.npy"))
    var featuresOut: String?
    @Option(help: "KID: random subsets.") var kidSubsets = KernelInceptionDistance.defaultSubsets
    @Option(help: "KID: images per subset (capped at N).") var kidSubsetSize = KernelInceptionDistance.defaultSubsetSize
    @Flag(help: "Also estimate the NLL bound in bits/dim (T model evaluations per test image).") var nll = false
    @Option(help: "Test images for --nll.") var nllImages = 256
    @Flag(help: "Train the feature network for --dataset (a few CPU minutes) and cache it, instead of evaluating.")
    var trainFeatureNet = false
    @Option(help: "Epochs of feature-network training.") var featureNetEpochs = FeatureNetTrainingSettings().epochs
    @Flag(help: "Overwrite existing output files.") var force = false

    func validate() throws {
        guard count >= 2 else { throw ValidationError("--n must be at least 2 (got \(count)).") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1 (got \(batchSize)).") }
        guard kidSubsets >= 1 && kidSubsetSize >= 2 else { throw ValidationError("--kid-subsets must be >= 1 and --kid-subset-size >= 2.") }
        guard nllImages >= 1 else { throw ValidationError("--nll-images must be at least 1 (got \(nllImages)).") }
        guard featureNetEpochs >= 1 else { throw ValidationError("--feature-net-epochs must be at least 1 (got \(featureNetEpochs)).") }
        if trainFeatureNet && dataset == nil { throw ValidationError("--train-feature-net needs --dataset (mnist, fashion-mnist or cifar10).") }
        if samples != nil && dataset == nil { throw ValidationError("--samples needs --dataset: the PNGs do not say what they should look like.") }
        if samples != nil && (keepSamples != nil || nll) { throw ValidationError("--keep-samples and --nll need a checkpoint, not --samples.") }
    }
}
