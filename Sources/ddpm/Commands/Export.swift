import ArgumentParser
import DataIO
import Training

extension DDPM {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a model in the diffusers UNet2DModel layout.",
            discussion: "Writes config.json and diffusion_pytorch_model.safetensors, loadable by diffusers' UNet2DModel.from_pretrained and by ddpm sample --checkpoint.")

        @OptionGroup var model: CheckpointOptions
        @Option(help: ArgumentHelp("Folder to write.", valueName: "dir")) var out: String
        @Flag(help: "Overwrite an existing export.") var force = false

        func run() throws {
            try FileSystem.checkCanCreate(folder: out, flag: "--out")
            let source = try model.resolve()
            try ModelSource.exportDiffusers(model: source.model, diffusion: source.config.diffusion,
                                            classNames: source.config.model.classNames(dataset: source.config.data.dataset), to: out, overwrite: force)
            print("wrote \(out)/config.json and \(out)/diffusion_pytorch_model.safetensors (\(model.useEMA ? "EMA" : "raw") weights)")
        }
    }
}
