import ArgumentParser
import Foundation

/// One `--kinds` value: kind names separated by commas (`a,b,c`, spaces around a name
/// ignored), the form scripts and docs use; `--kinds` may also be repeated. The
/// environment and the file give their list through `split`, so all sources read alike.
struct KindList: ExpressibleByArgument {
    var names: [String]

    init?(argument: String) {
        names = Self.split(argument)
        if names.isEmpty { return nil }
    }

    static func split(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
