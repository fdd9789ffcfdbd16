import ArgumentParser

/// `--class` and `--guidance` for class-conditional models (shared by `sample` and `inpaint`;
/// only `sample` takes `--class all`, and each command checks its own combinations).
struct ClassGuidanceOptions: ParsableArguments {
    @Option(name: .customLong("class"), help: ArgumentHelp(
        "Class-conditional models: the class, by number or name (7, sneaker). sample: every image's class, or 'all' for one grid row per class (default: cycle through the classes). inpaint: the class the holes are filled with (default: the null class, unguided).",
        valueName: "class"))
    var classChoice: String?
    @Option(help: ArgumentHelp(
        "Classifier-free guidance weight w >= 0 towards --class (seed 002): eps = (1 + w)·eps(x, c) − w·eps(x, ∅); 0 = the plain conditional model. diffusers' guidance_scale is 1 + w.",
        valueName: "w"))
    var guidance: Float?

    func validate() throws {
        if let guidance, !(guidance >= 0 && guidance.isFinite) { throw ValidationError("--guidance must be a finite number >= 0 (got \(guidance)).") }
    }
}
