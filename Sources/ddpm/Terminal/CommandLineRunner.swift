// The one place a ddpm process ends. It gives every command, present and future, the same rules:
// negative numbers reach the validators (`--eta -1` as `--eta=-1`), `ddpm help NOSUCH` is an error,
// every error is one "Error: …" line (valid values of a closed set on that line; no NSError
// dumps), and the exit code follows ExitStatus.
import ArgumentParser
import DataIO
import Foundation
import Training

enum CommandLineRunner {
    static func run(_ root: DDPM.Type, arguments raw: [String]) -> Never {
        let arguments = joiningNegativeNumbers(raw)
        do {
            try checkHelpTopic(arguments, root: root)
            var command = try root.parseAsRoot(arguments)
            try command.run()
            exit(ExitStatus.finished.rawValue)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            report(error, root: root)
        }
    }

    /// `--flag -3` → `--flag=-3` for long options followed by a negative number. argument-parser
    /// reads `-3` as a short option otherwise ("Missing value"); ddpm has no numeric short options.
    static func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            if token == "--" { out += arguments[index...]; break }
            if token.hasPrefix("--"), !token.contains("="), index + 1 < arguments.count, isNegativeNumber(arguments[index + 1]) {
                out.append(token + "=" + arguments[index + 1])
                index += 2
                continue
            }
            out.append(token)
            index += 1
        }
        return out
    }

    static func isNegativeNumber(_ token: String) -> Bool {
        guard token.hasPrefix("-"), let second = token.dropFirst().first, second.isNumber || second == "." else { return false }
        return Double(token) != nil
    }

    /// `ddpm help a b` must name a command path; argument-parser would print the root help and exit 0.
    static func checkHelpTopic(_ arguments: [String], root: DDPM.Type) throws {
        guard arguments.first == "help" else { return }
        var commands: [ParsableCommand.Type] = root.configuration.subcommands
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            var names: [String] = []
            var match: ParsableCommand.Type?
            for command in commands {
                let commandName = command._commandName
                names.append(commandName)
                if commandName == name { match = command }
            }
            guard let match else { throw CLIError("ddpm help \(name): no such command; expected one of: \(names.joined(separator: ", "))") }
            commands = match.configuration.subcommands
        }
    }

    /// Prints the error as one line (help and usage as argument-parser formats them) and exits.
    static func report(_ error: Error, root: DDPM.Type) -> Never {
        if isArgumentParserError(error) {
            let code = root.exitCode(for: error)
            let message = root.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(ExitStatus.finished.rawValue)
            }
            printError(oneLineValueList(message))
            exit(ExitStatus.badInput.rawValue)
        }
        let cleaned = foundationErrorAsFileError(error)
        printError("Error: \(cleaned)")
        exit(ExitStatus.forError(cleaned).rawValue)
    }

    /// argument-parser lists more than five valid values one per line; ddpm keeps the error on one line.
    static func oneLineValueList(_ message: String) -> String {
        let marker = ". Please provide one of the following:\n"
        guard let range = message.range(of: marker) else { return message }
        var values: [String] = []
        var rest: [Substring] = []
        for line in message[range.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if rest.isEmpty && line.hasPrefix("  - ") { values.append(String(line.dropFirst(4))) } else { rest.append(line) }
        }
        let head = String(message[..<range.lowerBound]) + "; expected one of: " + values.joined(separator: ", ")
        return ([head] + rest.map(String.init)).joined(separator: "\n")
    }

    private static func isArgumentParserError(_ error: Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    /// A Foundation file error that slipped past FileSystem, reduced to a FileError line.
    private static func foundationErrorAsFileError(_ error: Error) -> Error {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return error }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path ?? "a file"
        return FileError.converting(error, path: path, operation: .write)
    }
}
