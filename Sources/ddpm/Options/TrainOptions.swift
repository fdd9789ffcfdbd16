import ArgumentParser
import Training

/// `ddpm train`'s flags that override the config file, in two groups whose types carry the
/// `--resume` rule: `RunSettingsOptions` define the run (model, data, diffusion, optimization,
/// seed) and are refused with `--resume`; `BoundsOptions` only say how long and how often, and
/// are the only ones a resumed run applies. A new flag is fixed or a bound by the group it is
/// declared in, not by a list kept elsewhere.
struct TrainOptions: ParsableArguments {
    @OptionGroup(title: "Run settings (taken from the checkpoint with --resume)") var settings: RunSettingsOptions
    @OptionGroup(title: "Bounds (may change with --resume)") var bounds: BoundsOptions

    /// The config from --config (or the defaults) with every given flag applied and checked.
    func resolved() throws -> TrainConfig {
        var c = try settings.baseConfig()
        for patch in settings.patches + bounds.patches { try patch.apply(&c) }
        if settings.channels == nil && c.data.dataset == .folder {
            try FolderChannels.apply(to: &c, configFile: settings.config)
        }
        try c.validate()
        return c
    }

    /// A checkpoint's config with the given bounds applied (run settings cannot be given with
    /// --resume; `Train.validate` refuses them), checked.
    func resuming(_ checkpointConfig: TrainConfig) throws -> TrainConfig {
        var c = checkpointConfig
        for patch in bounds.patches { try patch.apply(&c) }
        try c.validate()
        return c
    }
}

/// One given flag's effect on the config.
struct ConfigPatch {
    let flag: String
    let apply: (inout TrainConfig) throws -> Void
}

extension Optional {
    /// A patch setting the config from this flag's value, or nil when the flag was not given.
    func patch(_ flag: String, _ apply: @escaping (inout TrainConfig, Wrapped) throws -> Void) -> ConfigPatch? {
        map { value in ConfigPatch(flag: flag) { try apply(&$0, value) } }
    }
}
