import Foundation

/// SIGINT/SIGTERM handling: the first signal asks the loop to stop at the next step boundary
/// (it then saves a checkpoint and exits cleanly); a second one exits at once.
public enum StopSignal {
    nonisolated(unsafe) private static var count: sig_atomic_t = 0

    public static var isRequested: Bool { count > 0 }

    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { _ in
            StopSignal.count += 1
            if StopSignal.count > 1 { _exit(130) }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
