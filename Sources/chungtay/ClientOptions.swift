import ArgumentParser
import ChungTayClient
import ChungTayRuntime
import ChungTayWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// Options every client-side command shares, read like every command's settings
/// (`SettingsReader`): flag, then `CHUNGTAY_*`, then `--config`, then default.
struct ClientOptions: ParsableArguments {
    @Option(help: "The dispatcher's client endpoint (CHUNGTAY_CLIENT_ENDPOINT; default tcp://127.0.0.1:5555).") var connect: String?
    @Option(help: "Seconds to wait for the dispatcher before giving up with exit code 3 (CHUNGTAY_CLIENT_TIMEOUT; default 10).")
    var timeout: Double?
    @OptionGroup var curve: CurveOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var settings: SettingsOptions

    func validate() throws {
        // A lone --key is refused when the command connects, unless the command takes it (submit).
        _ = try resolve(keyFlagAlone: true)
    }

    /// With `keyFlagAlone`, a `--key` flag without a server key is the command's to read
    /// (``CurveOptions/read(from:keyFlagAlone:)``); the client then uses no CURVE.
    func client(keyFlagAlone: Bool = false) throws -> DispatcherClient {
        let (endpoint, timeout, curve, logOptions) = try resolve(keyFlagAlone: keyFlagAlone)
        ClientLogging.start(logOptions)
        do {
            return try DispatcherClient(endpoint: endpoint, timeout: .milliseconds(Int64(timeout * 1000)), curve: curve)
        } catch {
            throw report(error)
        }
    }

    private func resolve(keyFlagAlone: Bool) throws -> (endpoint: String, timeout: Double, curve: CurveClientKeys?, logging: LoggingOptions.Resolved) {
        try SettingsReader.resolve(settings, flags: [
            .init("client.endpoint", "--connect", connect), .init("client.timeout", "--timeout", timeout),
        ] + curve.flags + logging.flags) { settings in
            let timeout = try await settings.double("client.timeout") ?? 10
            // Bounded so that the milliseconds fit in an Int64.
            try settings.require(timeout > 0 && timeout <= 1e9, "client.timeout", "must be positive (at most 1e9 seconds)")
            return (try await settings.string("client.endpoint") ?? "tcp://127.0.0.1:5555", timeout,
                    try await CurveOptions.read(from: settings, keyFlagAlone: keyFlagAlone), try await LoggingOptions.read(from: settings))
        }
    }
}

/// Client commands are processes like the services: what they log (their errors) is a log
/// record of role `client`, as text or JSON (`--log-format`), masked like every record, so
/// a tool that runs `chungtay submit` reads its failures the way it reads the services' logs.
enum ClientLogging {
    private static let started = Mutex<Logger?>(nil)

    /// Logging as the command's settings give it; the first call wins (swift-log bootstraps once).
    static func start(_ options: LoggingOptions.Resolved) {
        started.withLock { logger in
            if logger == nil { logger = ProcessLogging.bootstrap(options, identity: LogIdentity(role: .client)) }
        }
    }

    /// The command's logger; text at info when the command did not start logging itself.
    static var logger: Logger {
        start(LoggingOptions.Resolved(level: .info, format: .text))
        return started.withLock { $0! }
    }
}

/// Logs a client error and picks the exit code the CLI contract gives it.
func report(_ error: ClientError) -> ExitCode {
    ClientLogging.logger.error("\(error)")
    switch error {
    case .unreachable, .rejected: return ExitCode(CLIExit.unreachable.rawValue)
    case .refused(let code, _):
        switch WireError.Code(rawValue: code) {
        case .unknownKind, .malformed, .tooLarge: return ExitCode(CLIExit.usage.rawValue)
        case .unknownJob: return ExitCode(CLIExit.jobFailed.rawValue)
        default: return ExitCode(EXIT_FAILURE)
        }
    default: return ExitCode(EXIT_FAILURE)
    }
}

/// Prints a document and a newline; exit code 1 when standard output cannot be written.
func printLine(_ bytes: [UInt8]) throws(ExitCode) {
    guard StandardStreams.output(bytes + [UInt8(ascii: "\n")]) else { throw ExitCode.failure }
}
