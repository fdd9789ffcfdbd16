// The one error type of the noise-schedule code: a parameter a user can fix, its bad value, and
// what was expected. It is not for programming errors inside the library.

/// A schedule, table or spacing parameter that cannot be used.
///
/// `description` is one line that names the parameter with its YAML key (`betaMax`; the CLI
/// flag is the kebab-case `--beta-max`), the value given, and the rule it breaks:
/// `betaMax = 1.0: must be < 1 (...)`.
public struct ScheduleError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The YAML key or argument name, e.g. `betaMax`, `timesteps`, `steps`, `betas[999]`.
    public let parameter: String
    /// The offending value as the user would write it.
    public let value: String
    /// What the value must satisfy, and why when the reason is not obvious.
    public let requirement: String

    public init(parameter: String, value: String, requirement: String) {
        self.parameter = parameter
        self.value = value
        self.requirement = requirement
    }

    public var description: String { "\(parameter) = \(value): \(requirement)" }
}
