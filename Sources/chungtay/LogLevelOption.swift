import ArgumentParser
import Configuration
import Logging

/// `--log-level` of the long-running commands, a setting like any other (`log.level`,
/// `CHUNGTAY_LOG_LEVEL`). An unknown level is refused wherever it comes from: it used to
/// become `info` silently, and a mistyped `debug` then hid exactly the lines wanted.
struct LogLevelOption: ParsableArguments {
    @Option(help: "Log level (CHUNGTAY_LOG_LEVEL; default info).") var logLevel: LogLevel?

    var flag: SettingsReader.Flag { .init(Self.key, "--log-level", logLevel?.level.rawValue) }

    static func read(from settings: SettingsReader) async throws(ValidationError) -> Logger.Level {
        try await settings.value(key, as: LogLevel.self)?.level ?? .info
    }

    private static let key: ConfigKey = "log.level"
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
