import ArgumentParser
import Diffusion
import Training

/// T and the β range of a schedule (shared by `schedule` and `noise`).
struct ScheduleParameterOptions: ParsableArguments {
    @Option(help: "Diffusion steps T.") var timesteps = 1000
    @Option(help: "First beta.") var betaMin = 1e-4
    @Option(help: "Last beta.") var betaMax = 0.02
    @Option(help: "The logarithmic schedule's constant c.") var logScale = 1.0

    var parameters: ScheduleParameters {
        ScheduleParameters(timesteps: timesteps, betaMin: betaMin, betaMax: betaMax, logScale: logScale)
    }

    func validate() throws {
        try InputLimits.check("--timesteps", timesteps, atMost: InputLimits.maxTimesteps)
    }
}
