import ArgumentParser
import ChungTayClient
import ChungTayWire
import Foundation

/// Options every client-side command shares, read like every command's settings
/// (`SettingsReader`): flag, then `CHUNGTAY_*`, then `--config`, then default.
struct ClientOptions: ParsableArguments {
    @Option(help: "The dispatcher's client endpoint (CHUNGTAY_CLIENT_ENDPOINT; default tcp://127.0.0.1:5555).") var connect: String?
    @Option(help: "Seconds to wait for the dispatcher before giving up with exit code 3 (CHUNGTAY_CLIENT_TIMEOUT; default 10).")
    var timeout: Double?
    @OptionGroup var settings: SettingsOptions

    func validate() throws {
        _ = try resolve()
    }

    func client() throws -> DispatcherClient {
        let (endpoint, timeout) = try resolve()
        do {
            return try DispatcherClient(endpoint: endpoint, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            throw report(error)
        }
    }

    private func resolve() throws -> (endpoint: String, timeout: Double) {
        try SettingsReader.resolve(settings, flags: [
            .init("client.endpoint", "--connect", connect), .init("client.timeout", "--timeout", timeout),
        ]) { settings in
            let timeout = try await settings.double("client.timeout") ?? 10
            // Bounded so that the milliseconds fit in an Int64.
            try settings.require(timeout > 0 && timeout <= 1e9, "client.timeout", "must be positive (at most 1e9 seconds)")
            return (try await settings.string("client.endpoint") ?? "tcp://127.0.0.1:5555", timeout)
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
