// The process exit codes every ddpm command uses, so scripts and schedulers (Slurm preemption sends
// SIGTERM) can tell a finished run from an interrupted one, and bad input from a failing disk.
// Conventions: 0 success, sysexits.h for usage (64) and I/O (74) errors, 128 + signal for a
// process that stopped because of a signal.
import DataIO

public enum ExitStatus: Int32, CaseIterable, Sendable {
    /// The command did what it was asked; a training run reached --steps, --epochs or --minutes.
    case finished = 0
    /// A bug or an error ddpm did not classify.
    case failure = 1
    /// Training ended itself before its bound because --early-stopping saw no improvement (best.safetensors kept).
    case stoppedEarly = 3
    /// A flag, config file, dataset or checkpoint that cannot be used (sysexits EX_USAGE).
    case badInput = 64
    /// The system refused a read or write: permissions, full disk, read-only file system (sysexits EX_IOERR).
    case ioFailure = 74
    /// Stopped by SIGINT (Ctrl-C, 128 + 2) after saving a checkpoint: `--resume` continues it.
    case interrupted = 130
    /// Stopped by SIGTERM (kill, Slurm preemption; 128 + 15) after saving a checkpoint: `--resume` continues it.
    case terminated = 143

    /// The status for an error that ended a command.
    public static func forError(_ error: Error) -> ExitStatus {
        if let file = error as? FileError { return file.isInputProblem ? .badInput : .ioFailure }
        return .badInput
    }

    /// The status for the end of a training run.
    public static func forStop(_ reason: StopReason, signal: Int32?) -> ExitStatus {
        switch reason {
        case .steps, .epochs, .minutes: return .finished
        case .earlyStopping: return .stoppedEarly
        case .interrupted: return signal == 15 ? .terminated : .interrupted
        }
    }

    /// One line per code, for `--help` and the README.
    public static var table: String {
        [(finished, "finished (training: --steps, --epochs or --minutes reached)"),
         (stoppedEarly, "training stopped early by --early-stopping"),
         (interrupted, "interrupted by SIGINT (Ctrl-C), checkpoint saved"),
         (terminated, "interrupted by SIGTERM, checkpoint saved"),
         (badInput, "bad input: a flag, config, dataset or checkpoint that cannot be used"),
         (ioFailure, "I/O failure: a read or write the system refused (permissions, disk full)"),
         (failure, "anything else (a bug: please report it)")]
            .map { String(format: "%5d  ", $0.0.rawValue) + $0.1 }.joined(separator: "\n")
    }
}
