import ArgumentParser
import ChungTayCoding
import ChungTayRules
import Foundation

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Inspect the rule data in force.", subcommands: [Show.self, Columns.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the rule data (one standard, or everything) as JSON.")
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

extension RulesCommand {
    /// The column titles `batch submit` recognises in a workbook or an office's CSV: what an
    /// officer heads a list with, and what scripts writing such lists read (`--json`).
    struct Columns: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "columns",
            abstract: "List the column titles accepted for each field of household and loan lists.",
            discussion: "Titles match whatever their case, spacing, Unicode form or tone marks (docs/BATCH.md, \"Column titles\").")
        @Flag(help: "As one JSON object: {\"households\": [{field, kind, title, aliases}…], \"loans\": […]}.") var json = false

        func run() {
            let lists = [("households", RecordColumn.households), ("loans", RecordColumn.loans)]
            guard json else {
                for (name, columns) in lists {
                    print(name)
                    for column in columns {
                        print("  \(column.field) (\(Self.kindName(column.kind))): \(([column.title] + column.aliases).joined(separator: " | "))")
                    }
                }
                return
            }
            var writer = JSONWriter(capacity: 8192)
            writer.openObject()
            for (name, columns) in lists {
                writer.dynamicKey(name)
                writer.openArray()
                for column in columns {
                    writer.openObject()
                    writer.key("field")
                    writer.string(column.field)
                    writer.key("kind")
                    writer.string(Self.kindName(column.kind))
                    writer.key("title")
                    writer.string(column.title)
                    writer.key("aliases")
                    writer.openArray()
                    for alias in column.aliases { writer.string(alias) }
                    writer.closeArray()
                    writer.closeObject()
                }
                writer.closeArray()
            }
            writer.closeObject()
            print(String(decoding: writer.finish(), as: UTF8.self))
        }

        private static func kindName(_ kind: RecordColumn.ValueKind) -> String {
            switch kind {
            case .text: "text"
            case .number: "number"
            case .flag: "flag"
            case .date: "date"
            case .nested: "nested"
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
