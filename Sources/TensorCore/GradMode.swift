/// Whether ops record the backward graph.
///
/// A task-local rather than a global, so that a `withoutGrad` block (sampling, validation) in one
/// task cannot switch recording off for another task running at the same time (tests run in parallel).
public enum GradMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` with gradient recording off: ops create no backward closures and save nothing.
@discardableResult
public func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false) { try body() }
}
