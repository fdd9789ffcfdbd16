import ArgumentParser
import DataIO
import Diffusion


/// Which images `ddpm inpaint` completes.
struct InpaintInputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A PNG, or a folder of PNGs, to inpaint (default: the first --n test images of the checkpoint's dataset).", valueName: "path"))
    var input: String?
    @Option(help: "Take the inputs from this dataset's test split (default: the checkpoint's dataset).") var dataset: DatasetKind?
    @Option(help: ArgumentHelp("Folder of --dataset's files.", valueName: "dir")) var dataDir: String?
    @Option(help: ArgumentHelp("Test-split indices to inpaint, e.g. 0,5,9.", valueName: "i,j,…")) var indices: String?
    @Option(name: .customLong("n"), help: "Number of test images when no --indices are given.") var count = 8

    func validate() throws {
        if input != nil && (dataset != nil || indices != nil || dataDir != nil) {
            throw ValidationError("--input takes images from files; it cannot be combined with --dataset, --data-dir or --indices.")
        }
        guard count >= 1 else { throw ValidationError("--n must be at least 1 (got \(count)).") }
        _ = try parsedIndices()
    }

    func parsedIndices() throws -> [Int]? {
        guard let indices else { return nil }
        let parts = indices.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.map { Int($0) }
        guard !parts.isEmpty, values.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw ValidationError("--indices \(indices): expected comma-separated non-negative integers, e.g. 0,5,9.")
        }
        return values.map { $0! }
    }
}

/// The mask: a named shape or a PNG.
struct MaskOptions: ParsableArguments {
    @Option(help: "Region to generate: \(MaskKind.allCases.map(\.rawValue).joined(separator: ", ")).") var mask: MaskKind = .upperHalf
    @Option(help: "Side of the center square (default: half the image side).") var maskSize: Int?
    @Option(help: "Fraction of pixels kept by random-pixels.") var keep: Double?
    @Option(help: ArgumentHelp("PNG mask at the model's image size: white = keep, black = generate (overrides --mask).", valueName: "path"))
    var maskFile: String?
    @Flag(help: "Swap the kept and generated regions.") var invertMask = false

    var spec: MaskSpec { MaskSpec(kind: mask, size: maskSize, keepFraction: keep ?? 0.2, inverted: invertMask) }

    func validate() throws {
        if maskSize != nil && mask != .center { throw ValidationError("--mask-size applies to --mask center only.") }
        if keep != nil && mask != .randomPixels { throw ValidationError("--keep applies to --mask random-pixels only.") }
        if let keep, !(0...1).contains(keep) { throw ValidationError("--keep must be a fraction in [0, 1] (got \(keep)).") }
    }
}

/// RePaint's time schedule.
struct RePaintOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Resamplings U: each stretch of --jump-length steps is denoised U times (1: no resampling).", valueName: "U"))
    var resample: Int?
    @Option(help: ArgumentHelp("Same as --resample (the RePaint reference code's name for U).", valueName: "U")) var jumpNSample: Int?
    @Option(help: ArgumentHelp("Steps J the chain jumps back up before resampling.", valueName: "J")) var jumpLength = 10

    /// U (default 10, RePaint's setting).
    var resamplings: Int { resample ?? jumpNSample ?? 10 }

    func validate() throws {
        if let resample, let jumpNSample, resample != jumpNSample {
            throw ValidationError("--resample \(resample) and --jump-n-sample \(jumpNSample) name the same U; give one.")
        }
        guard resamplings >= 1 else { throw ValidationError("--resample must be at least 1 (got \(resamplings)).") }
        guard jumpLength >= 1 else { throw ValidationError("--jump-length must be at least 1 (got \(jumpLength)).") }
    }
}
