import Foundation

/// SIGINT/SIGTERM handling: the first signal asks the loop to stop at the next step boundary
/// (it then saves a checkpoint and exits with 128 + the signal number); a second one exits at once
/// with the same code.
public enum StopSignal {
    nonisolated(unsafe) private static var count: sig_atomic_t = 0
    nonisolated(unsafe) private static var lastSignal: sig_atomic_t = 0

    public static var isRequested: Bool { count > 0 }

    /// The signal that asked to stop (SIGINT = 2, SIGTERM = 15), nil when none arrived.
    public static var signal: Int32? { count > 0 ? Int32(lastSignal) : nil }

    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { number in
            StopSignal.lastSignal = number
            StopSignal.count += 1
            if StopSignal.count > 1 { _exit(128 + number) }
        }
        Foundation.signal(SIGINT, handler)
        Foundation.signal(SIGTERM, handler)
        // A parent may have started us with these signals blocked (the mask is inherited, e.g. from
        // a test runner's worker thread); blocked, they would stay pending and never stop the run.
        var handled = sigset_t()
        sigemptyset(&handled)
        sigaddset(&handled, SIGINT)
        sigaddset(&handled, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &handled, nil)
    }
}
