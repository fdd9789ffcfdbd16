// Runs the built `ddpm` binary (argument-parser's AssertExecuteCommand habit): finds it next to
// the test bundle, runs it in a working folder, and captures exit status, stdout and stderr.
import Foundation
import _TestSupport
import Testing

/// The result of one `ddpm` run.
struct DDPMRun: CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let stdout: String
    let stderr: String

    /// stderr without blank lines.
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

    var description: String { "ddpm \(arguments.joined(separator: " ")) → exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

enum DDPMBinary {
    /// `ddpm` in the products folder that holds this test bundle (`.build*/<triple>/release/`, which
    /// `.build*/release` links to). DDPM_BINARY overrides the search.
    static let path: String? = {
        if let explicit = ProcessInfo.processInfo.environment["DDPM_BINARY"] { return explicit }
        // Folders to search from, and up to three levels above each (macOS keeps the test binary
        // in ddpmPackageTests.xctest/Contents/MacOS/).
        var folders: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())  // Linux: the test executable's folder
        }
        folders.append(Bundle(for: WorkFolder.self).bundleURL.deletingLastPathComponent())  // the .xctest bundle's folder
        folders.append(Bundle.main.bundleURL)
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for start in folders {
            var folder = start
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("ddpm").path
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate) {
                    return candidate
                }
                folder = folder.deletingLastPathComponent()
            }
        }
        return nil
    }()

    /// Runs `ddpm arguments` in `directory` with TERM=dumb (plain progress lines, no bar).
    static func run(_ arguments: [String], in directory: String, whileRunning: ((Process) -> Void)? = nil) throws -> DDPMRun {
        let binary = try #require(path, "no ddpm binary next to the test bundle; build it (swift build --build-tests) or set DDPM_BINARY")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "dumb"
        // Dataset caches stay inside the test's folder.
        environment["DDPM_CACHE_DIR"] = directory + "/.ddpm-cache"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if let whileRunning { DispatchQueue.global().async { whileRunning(process) } }
        // Drain stderr on another thread so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        let errData = CapturedOutput()
        DispatchQueue.global().async(group: group) { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return DDPMRun(arguments: arguments, status: process.terminationStatus,
                       stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData.data, as: UTF8.self))
    }
}

/// stderr as read by the draining thread; the DispatchGroup wait orders the write before the read.
private final class CapturedOutput: @unchecked Sendable {
    var data = Data()
}

/// A fresh working folder per test that can run `ddpm` inside it.
final class WorkFolder: ScratchDirectory {
    init() throws { try super.init(prefix: "CLITests") }

    func ddpm(_ arguments: String...) throws -> DDPMRun { try DDPMBinary.run(arguments, in: path) }
    func ddpm(_ arguments: [String]) throws -> DDPMRun { try DDPMBinary.run(arguments, in: path) }
    /// Runs ddpm and calls `whileRunning` on another thread once it has started (to send it signals).
    func ddpm(_ arguments: [String], whileRunning: @escaping (Process) -> Void) throws -> DDPMRun {
        try DDPMBinary.run(arguments, in: path, whileRunning: whileRunning)
    }
}

/// Expects a failed run whose error is one readable line: argument-parser's "Error: …" line, which
/// must mention every string in `mentions`, with no backtrace or Swift runtime noise.
func expectUserError(_ run: DDPMRun, mentions: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.status != 0, "\(run)", sourceLocation: sourceLocation)
    let errorLines = run.stderrLines.filter { $0.hasPrefix("Error: ") }
    #expect(errorLines.count == 1, "one error line expected\n\(run)", sourceLocation: sourceLocation)
    for text in mentions {
        #expect(errorLines.first?.contains(text) == true, "the error line should mention \(text)\n\(run)", sourceLocation: sourceLocation)
    }
    for noise in ["Fatal error", "backtrace", "Stack dump", "Swift runtime failure", "NSCocoaErrorDomain", "Error Domain="] {
        #expect(!run.stderr.contains(noise), "\(run)", sourceLocation: sourceLocation)
    }
}
