import ArgumentParser
import ChungTayRules
import Foundation

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Inspect the rule data in force.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the rule data (one standard, or everything) as JSON.")
        @Option(help: "A poverty standard id, e.g. 2022-2025.") var standard: String?
        @Option(help: "Directory of rule data files replacing the embedded ones (CHUNGTAY_RULES_DIR).")
        var rules: String?
        @OptionGroup var settings: SettingsOptions

        func run() throws {
            let directory = try SettingsReader.resolve(settings, flags: [.init("rules.dir", "--rules", rules)]) { try await $0.string("rules.dir") }
            let book = try RuleSource.load(directory: directory)
            do {
                print(try book.describe(standard: standard))
            } catch {
                throw ValidationError("\(error.code): \(error.message)")
            }
        }
    }
}

/// Loads the embedded rule data or an office's replacement directory (the `rules.dir`
/// setting: `--rules`, `CHUNGTAY_RULES_DIR`); a malformed file stops the command with the
/// file and field named (exit 2, a configuration error).
enum RuleSource {
    static func load(directory: String?) throws -> RuleBook {
        do {
            if let directory { return try RuleBook(directory: URL(fileURLWithPath: directory)) }
            return try RuleBook.bundled()
        } catch {
            throw ValidationError("rule data: \(error)")
        }
    }
}
