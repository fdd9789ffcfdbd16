import Foundation
import _TestSupport
import Testing
@testable import DataIO

@Suite struct DurableFileTests {
    @Test func replacesTheFileAndLeavesNoTemporaryBehind() throws {
        let dir = try ScratchDirectory()
        try DurableFile.write([1, 2, 3], to: dir.file("state.bin"))
        try DurableFile.write([4, 5], to: dir.file("state.bin"))
        #expect(try DurableFile.read(dir.file("state.bin")) == [4, 5])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["state.bin"])
    }

    @Test func writingIntoAMissingDirectoryNamesTheTarget() {
        let error = #expect(throws: FileError.self) { try DurableFile.write([1], to: "/nonexistent/dir/ckpt.safetensors") }
        #expect(error?.description == "cannot write /nonexistent/dir/ckpt.safetensors: the folder it goes into does not exist; create the folder first or choose another path")
    }

    @Test func readingADirectoryIsAnError() throws {
        let dir = try ScratchDirectory()
        let error = #expect(throws: FileError.self) { try DurableFile.read(dir.path) }
        #expect(error?.path == dir.path && error?.problem == "not a regular file")
    }

    @Test func leftoverTemporariesOfDeadWritersAreRemovedAndLiveOnesKept() throws {
        let dir = try ScratchDirectory()
        // pid 2^22 + 1 is above Linux's pid_max default, so no process has it.
        try dir.write([1], to: ".step-00000004.safetensors.tmp-4194305-77")
        try dir.write([1], to: ".step-00000005.safetensors.tmp-\(getpid())-78")
        try dir.write([1], to: "step-00000003.safetensors")
        #expect(DurableFile.removeLeftoverTemporaries(in: dir.path) == [dir.file(".step-00000004.safetensors.tmp-4194305-77")])
        #expect(!dir.exists(".step-00000004.safetensors.tmp-4194305-77"))
        #expect(dir.exists(".step-00000005.safetensors.tmp-\(getpid())-78") && dir.exists("step-00000003.safetensors"))
    }

    @Test func splitsPathsIntoDirectoryAndName() {
        #expect(DurableFile.split("runs/a/ckpt.safetensors") == ("runs/a", "ckpt.safetensors"))
        #expect(DurableFile.split("ckpt.safetensors") == (".", "ckpt.safetensors"))
        #expect(DurableFile.split("/ckpt.safetensors") == ("/", "ckpt.safetensors"))
    }

    /// A process that dies after writing and syncing the new data but before the rename must leave
    /// the old file untouched (the crash-safety claim of `DurableFile.write`).
    @Test func aCrashBeforeTheRenameLeavesTheOldFileIntact() async throws {
        let dir = try ScratchDirectory()
        let path = dir.file("ckpt.safetensors")
        let old = SafetensorsFile(tensors: ["w": SafetensorsTensor(shape: [2], floats: [1, 2])])
        try old.write(to: path)

        await #expect(processExitsWith: .exitCode(3)) { [path = path as String] in
            let new = SafetensorsFile(tensors: ["w": SafetensorsTensor(shape: [3], floats: [7, 8, 9])]).encoded()
            try DurableFile.write(new, to: path, beforeRename: { exit(3) })
        }
        #expect(try SafetensorsFile.read(from: path) == old)
    }
}
