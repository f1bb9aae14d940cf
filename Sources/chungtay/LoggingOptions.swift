import ArgumentParser
import ChungTayRuntime
import Configuration
import Logging

/// `--log-level` and `--log-format` of the long-running commands, settings like any other
/// (`log.level`, `CHUNGTAY_LOG_LEVEL`; `log.format`, `CHUNGTAY_LOG_FORMAT`). An unknown
/// value is refused wherever it comes from: an unknown level used to become `info`
/// silently, and a mistyped `debug` then hid exactly the lines wanted.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level (CHUNGTAY_LOG_LEVEL; default info).") var logLevel: LogLevel?
    @Option(help: "Log lines on standard error: text or json, one LogRecord per line (CHUNGTAY_LOG_FORMAT; default text).")
    var logFormat: LogFormatName?

    var flags: [SettingsReader.Flag] {
        [.init(Self.levelKey, "--log-level", logLevel?.level.rawValue), .init(Self.formatKey, "--log-format", logFormat?.format.rawValue)]
    }

    /// The level and the format as the settings give them.
    struct Resolved: Sendable {
        var level: Logger.Level
        var format: LogFormat
    }

    static func read(from settings: SettingsReader) async throws(ValidationError) -> Resolved {
        Resolved(level: try await settings.value(levelKey, as: LogLevel.self)?.level ?? .info,
                 format: try await settings.value(formatKey, as: LogFormatName.self)?.format ?? .text)
    }

    private static let levelKey: ConfigKey = "log.level"
    private static let formatKey: ConfigKey = "log.format"
}

/// A log level as the command line, the environment and the file spell it (`trace` …
/// `critical`); help and errors list the levels.
struct LogLevel: ExpressibleByArgument {
    var level: Logger.Level

    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument) else { return nil }
        self.level = level
    }

    static var allValueStrings: [String] { Logger.Level.allCases.map(\.rawValue) }
}

/// A log format as the settings spell it (`text`, `json`).
struct LogFormatName: ExpressibleByArgument {
    var format: LogFormat

    init?(argument: String) {
        guard let format = LogFormat(rawValue: argument) else { return nil }
        self.format = format
    }

    static var allValueStrings: [String] { LogFormat.allCases.map(\.rawValue) }
}
