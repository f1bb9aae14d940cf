import ArgumentParser
import Foundation

/// The option every command with settings shares: the JSON file that comes after flags
/// and `CHUNGTAY_*` variables (`SettingsReader`).
struct SettingsOptions: ParsableArguments {
    @Option(help: "JSON configuration file: settings under \"chungtay\", e.g. {\"chungtay\":{\"client\":{\"endpoint\":…}}}; flags and CHUNGTAY_* variables win over it.")
    var config: String?

    func validate() throws {
        if let config, !FileManager.default.isReadableFile(atPath: config) { throw ValidationError("cannot read --config \(config)") }
    }
}
