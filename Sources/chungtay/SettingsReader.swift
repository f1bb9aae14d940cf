import ArgumentParser
import Configuration
import Foundation

/// Where every command's settings come from, first found wins: the command's flag, the
/// `CHUNGTAY_*` environment variable, the `--config` JSON file (keys under `"chungtay"`,
/// e.g. `{"chungtay":{"data":{"dir":…}}}`), the default. All of it goes through
/// swift-configuration: the flags given are an in-memory provider in front of the
/// environment and the file, as its guide for swift-argument-parser recommends, so a
/// key is named once for all three sources (`data.dir`, `CHUNGTAY_DATA_DIR`,
/// `chungtay.data.dir`).
///
/// A value that is there but unreadable (a mistyped number, an unknown log level) is a
/// usage error naming where it came from, never silently the default. Commands resolve
/// their settings in `validate()`, so a bad value stops them as a usage error (exit 2)
/// before anything starts, and again in `run()` to use them: a few lookups and one small
/// file, cheaper than carrying the result through argument parsing.
struct SettingsReader: Sendable {
    /// A setting's flag as the command line gave it, and the key it stands for.
    struct Flag: Sendable {
        var key: ConfigKey
        var name: String
        var value: ConfigContent?

        init(_ key: ConfigKey, _ name: String, _ value: (some SettingValue)?) {
            self.key = key
            self.name = name
            self.value = value?.configContent
        }
    }

    private let reader: ConfigReader
    /// The flags given, by key, to name a bad value's source as the user wrote it.
    private let flagNames: [String: String]
    private let configFile: String?

    private init(configFile: String?, flags: [Flag]) async throws(ValidationError) {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        var names: [String: String] = [:]
        for flag in flags {
            guard let value = flag.value else { continue }
            values[AbsoluteConfigKey(flag.key).prepending(Self.scope)] = ConfigValue(value, isSecret: false)
            names[flag.key.description] = flag.name
        }
        var providers: [any ConfigProvider] = [InMemoryProvider(name: "flags", values: values), EnvironmentVariablesProvider()]
        if let path = configFile {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(path)))
            } catch {
                throw ValidationError("cannot read --config \(path): \(error.localizedDescription)")
            }
        }
        reader = ConfigReader(providers: providers).scoped(to: Self.scope)
        flagNames = names
        self.configFile = configFile
    }

    private static let scope: ConfigKey = "chungtay"

    /// Runs `read` over the settings from a synchronous command, which blocks until it is
    /// done: swift-configuration's file provider and its throwing lookups are async, and a
    /// command's `validate` and `run` run on the main thread, outside the cooperative pool.
    /// Called from async code it could block a pool thread the lookup needs, so it may not be.
    @available(*, noasync, message: "blocks its thread until the settings are read")
    static func resolve<Value: Sendable>(
        _ options: SettingsOptions, flags: [Flag], _ read: @escaping @Sendable (SettingsReader) async throws -> Value
    ) throws -> Value {
        let configFile = options.config
        let outcome = Outcome<Value>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                outcome.result = .success(try await read(SettingsReader(configFile: configFile, flags: flags)))
            } catch {
                outcome.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return try outcome.result!.get()
    }

    private final class Outcome<Value>: @unchecked Sendable {
        var result: Result<Value, any Error>?
    }

    // MARK: Lookups (nil when no source has the key)

    func string(_ key: ConfigKey) async throws(ValidationError) -> String? {
        try await lookup(key, "text") { try await reader.fetchString(forKey: $0) }
    }

    func int(_ key: ConfigKey) async throws(ValidationError) -> Int? {
        try await lookup(key, "a whole number") { try await reader.fetchInt(forKey: $0) }
    }

    func double(_ key: ConfigKey) async throws(ValidationError) -> Double? {
        try await lookup(key, "a number") { try await reader.fetchDouble(forKey: $0) }
    }

    /// `true` or `false` (a flag given counts as `true`).
    func bool(_ key: ConfigKey) async throws(ValidationError) -> Bool? {
        try await lookup(key, "true or false") { try await reader.fetchBool(forKey: $0) }
    }

    /// A list: in the file either a JSON array of texts or one text, which callers split
    /// as they split the flag's and the environment's (`"a,b"`).
    func strings(_ key: ConfigKey) async throws(ValidationError) -> [String]? {
        do {
            return try await lookup(key, "a list of names") { try await reader.fetchStringArray(forKey: $0) }
        } catch {
            guard let text = try? await string(key) else { throw error }
            return [text]
        }
    }

    /// A value read the way its flag is parsed, so the flag, the environment and the file
    /// accept and refuse the same texts.
    func value<Value: ExpressibleByArgument>(_ key: ConfigKey, as type: Value.Type) async throws(ValidationError) -> Value? {
        guard let text = try await string(key) else { return nil }
        guard let value = Value(argument: text) else {
            let choices = Value.allValueStrings.isEmpty ? "" : "; expected one of \(Value.allValueStrings.joined(separator: ", "))"
            throw ValidationError("\(source(of: key)): unknown value '\(text)'\(choices)")
        }
        return value
    }

    /// Refuses the setting's value unless `condition` holds: "`SOURCE` `requirement`".
    /// A number of seconds within `range` (checked before it is converted, so the
    /// milliseconds always fit), as a duration; `requirement` says the range when it is not.
    func seconds(_ key: ConfigKey, in range: ClosedRange<Double>, _ requirement: String) async throws(ValidationError) -> Duration? {
        guard let value = try await double(key) else { return nil }
        try require(value.isFinite && range.contains(value), key, requirement)
        return .milliseconds(Int64(value * 1000))
    }

    func require(_ condition: Bool, _ key: ConfigKey, _ requirement: String) throws(ValidationError) {
        if !condition { throw ValidationError("\(source(of: key)) \(requirement)") }
    }

    /// Where `key`'s value came from, as the user wrote it: `--connect`,
    /// `CHUNGTAY_CLIENT_ENDPOINT` or `chungtay.client.endpoint in FILE`.
    func source(of key: ConfigKey) -> String {
        if let flag = flagNames[key.description] { return flag }
        let variable = Self.environmentName(of: key)
        if ProcessInfo.processInfo.environment[variable] != nil { return variable }
        return "\(AbsoluteConfigKey(key).prepending(Self.scope)) in \(configFile ?? "the configuration file")"
    }

    /// The variable swift-configuration's environment provider reads for `key`
    /// (components upper-cased and joined by `_`).
    static func environmentName(of key: ConfigKey) -> String {
        ([scope.description] + key.components).map { $0.uppercased() }.joined(separator: "_")
    }

    private func lookup<Value>(
        _ key: ConfigKey, _ expected: String, _ fetch: (ConfigKey) async throws -> Value?
    ) async throws(ValidationError) -> Value? {
        do {
            return try await fetch(key)
        } catch {
            throw ValidationError("\(source(of: key)) is not \(expected)")
        }
    }
}

/// A parsed flag's value as swift-configuration holds it.
protocol SettingValue {
    var configContent: ConfigContent { get }
}

extension String: SettingValue {
    var configContent: ConfigContent { .string(self) }
}

extension Int: SettingValue {
    var configContent: ConfigContent { .int(self) }
}

extension Double: SettingValue {
    var configContent: ConfigContent { .double(self) }
}

extension Bool: SettingValue {
    var configContent: ConfigContent { .bool(self) }
}

extension [String]: SettingValue {
    var configContent: ConfigContent { .stringArray(self) }
}
