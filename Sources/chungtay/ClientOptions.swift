import ArgumentParser
import ChungTayClient
import ChungTayWire
import Foundation

/// Options every client-side command shares.
struct ClientOptions: ParsableArguments {
    @Option(help: "The dispatcher's client endpoint (env CHUNGTAY_CLIENT_ENDPOINT).")
    var connect: String = ProcessInfo.processInfo.environment["CHUNGTAY_CLIENT_ENDPOINT"] ?? "tcp://127.0.0.1:5555"

    @Option(help: "Seconds to wait for the dispatcher before giving up with exit code 3.")
    var timeout: Double = 10

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func client() throws -> DispatcherClient {
        do {
            return try DispatcherClient(endpoint: connect, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            throw report(error)
        }
    }
}

/// Prints a client error and picks the exit code the CLI contract gives it.
func report(_ error: ClientError) -> ExitCode {
    FileHandle.standardError.write(Data("chungtay: \(error)\n".utf8))
    switch error {
    case .unreachable: return ExitCode(CLIExit.unreachable.rawValue)
    case .refused(let code, _):
        switch WireError.Code(rawValue: code) {
        case .unknownKind, .malformed, .tooLarge: return ExitCode(CLIExit.usage.rawValue)
        case .unknownJob: return ExitCode(CLIExit.jobFailed.rawValue)
        default: return ExitCode(EXIT_FAILURE)
        }
    default: return ExitCode(EXIT_FAILURE)
    }
}

func printLine(_ bytes: [UInt8]) {
    FileHandle.standardOutput.write(Data(bytes + [UInt8(ascii: "\n")]))
}
