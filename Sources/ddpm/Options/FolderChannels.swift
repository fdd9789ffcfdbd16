import DataIO
import Training

/// The channel count of a `--dataset folder` run when `--channels` is not given: read from the PNG
/// headers of the folder's files, never converted silently.
///
/// - all gray → 1, all colour (RGB, RGBA, palette) → 3;
/// - both kinds → an error asking for `--channels 1` or `--channels 3`, which converts explicitly;
/// - with `--config`, a detected count that differs from the file's `model.channels` is an error
///   too (the file may have meant either); a file that does not give `model.channels` gets the
///   detected count like a run without `--config`.
enum FolderChannels {
    static func apply(to c: inout TrainConfig, configFile: String?) throws {
        let locator = try DatasetLocator(kind: c.data.dataset, dataDir: c.data.dataDir)
        // A missing or empty folder is reported when the data loads, naming the folder.
        guard case let .imageFolder(directory) = try locator.files(for: .train),
              let folder = try? ImageFolder(directory: directory, imageSize: 1, channels: 1) else { return }
        let (gray, colour) = try folder.colourCensus()
        let place = "--data-dir \(directory)"
        if !gray.isEmpty && !colour.isEmpty {
            throw CLIError("\(place) holds both gray PNGs (\(gray.count), e.g. \(gray[0])) and colour PNGs (\(colour.count), e.g. \(colour[0])); "
                           + "pass --channels 1 (colour converted to gray, BT.601 luma) or --channels 3 (gray replicated to RGB)")
        }
        let detected = colour.isEmpty ? 1 : 3
        if let configFile, c.model.channels != detected, try TrainConfig.fileSets(["model", "channels"], path: configFile) {
            throw CLIError("\(place) holds \(detected == 3 ? "colour" : "gray") PNGs but --config \(configFile) sets model.channels \(c.model.channels); "
                           + "pass --channels \(detected) to train on them as they are, or --channels \(c.model.channels) to convert them")
        }
        c.model.channels = detected
    }
}
