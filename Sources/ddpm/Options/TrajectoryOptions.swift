import ArgumentParser
import Diffusion
import Training

/// `--trajectory FILE.png` and the timesteps it shows (shared by `sample` and `inpaint`).
struct TrajectoryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write a strip of x_t and the predicted x_0 at several t for the first images (inpaint: the first input's completions).", valueName: "path"))
    var trajectory: String?
    @Option(help: ArgumentHelp("The t the strip shows, comma-separated, each in 0…T (0 = the final image), e.g. 300,100,50,20,0; the strip holds x_t after each step, so T itself (pure noise) and, with a respaced sampler, any t it skips show as the nearest visited t, with a note. (default: 10 evenly spaced steps)", valueName: "t,t,…"))
    var trajectorySteps: IntegerList?

    func validate() throws {
        if trajectorySteps != nil && trajectory == nil { throw ValidationError("--trajectory-steps needs --trajectory FILE.png: the strip it chooses the columns of.") }
    }

    /// The recorder for `policy`'s run; says on stderr which asked-for t a respaced sampler replaced.
    func recorder(policy: some SamplingPolicy, timesteps T: Int, images: Int) throws -> TrajectoryRecorder {
        let visited = (0..<policy.stepCount).map(policy.timestep(after:))
        guard let wanted = trajectorySteps?.values else { return TrajectoryRecorder(timesteps: visited, images: images) }
        try trajectorySteps?.check("--trajectory-steps", within: 0...T, "t = 0 is the final image and T = \(T) the model's number of steps")
        let recorder = TrajectoryRecorder(timesteps: visited, showing: wanted, images: images)
        let missing = wanted.filter { !recorder.shownTimesteps.contains($0) }
        if !missing.isEmpty {
            printError("--trajectory-steps: this sampler does not visit t = \(missing.map(String.init).joined(separator: ", ")); "
                       + "the strip shows the nearest visited t: \(recorder.shownTimesteps.map(String.init).joined(separator: ", "))")
        }
        return recorder
    }
}
