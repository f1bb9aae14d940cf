import ChungTayCoding

/// Commune names before and after the 1 July 2025 reorganisation (`communes.json`),
/// indexed once at load time.
///
/// A name is compared ignoring case, repeated spaces, Unicode form and a leading
/// "xã", "thị trấn", "phường" or "TT.". An old name that is also a new commune's name
/// (Suối Kiết, Nghị Đức, Bắc Ruộng, Đồng Kho) is current, not renamed.
///
/// Folding case and spaces costs more than the rest of a review, so the usual
/// spellings (each name as written, lower- and upper-case, with or without each
/// prefix in its usual casings) are looked up directly, with the `commune_renamed`
/// flag already rendered; only unusual spellings are folded.
final class CommuneDirectory: Sendable {
    static let fileName = "communes.json"

    enum Match: Equatable {
        /// A current commune; its canonical name.
        case current(String)
        /// A pre-reorganisation unit; the commune it is part of now, and the warning as a
        /// one-element flag list, so that a record with no other flag shares it instead
        /// of allocating a list of its own.
        case renamed(to: String, flags: [RecordFlag])
        case unknown
    }

    private let ignoredPrefixes: [String]
    private let currentByKey: [String: String]
    private let renamedByKey: [String: String]
    private let usualSpellings: ByteKeyTable<Match>
    private let flags: FlagCatalog

    init(_ root: RuleFileNode, flags: FlagCatalog) throws(RuleDataError) {
        self.flags = flags
        _ = try root.member("effectiveFrom").date()
        let rawPrefixes = try root.member("ignoredPrefixes").strings()
        let prefixes = rawPrefixes.map(UnicodeText.foldedForComparison)
        ignoredPrefixes = prefixes
        var current: [String: String] = [:]
        var formedFrom: [(key: String, name: String, newName: String, node: RuleFileNode)] = []
        for node in try root.member("communes").elements() {
            let nameNode = try node.member("name")
            let name = try nameNode.string()
            let key = Self.key(name, ignoring: prefixes)
            guard current[key] == nil else { throw nameNode.error("duplicate commune \(name)") }
            current[key] = name
            for oldNode in try node.member("formedFrom").elements() {
                let oldName = try oldNode.string()
                formedFrom.append((Self.key(oldName, ignoring: prefixes), oldName, name, oldNode))
            }
        }
        var renamed: [String: String] = [:]
        var renamedNames: [(name: String, newName: String)] = []
        for old in formedFrom where current[old.key] == nil {
            if let earlier = renamed[old.key], earlier != old.newName {
                throw old.node.error("already listed as part of \(earlier)")
            }
            renamed[old.key] = old.newName
            renamedNames.append((old.name, old.newName))
        }
        currentByKey = current
        renamedByKey = renamed

        var usual: [(key: String, value: Match)] = []
        let spelledPrefixes = Self.usualPrefixSpellings(rawPrefixes)
        for name in current.values.sorted() {
            for spelling in Self.usualSpellings(of: name, prefixes: spelledPrefixes) { usual.append((spelling, .current(name))) }
        }
        for (name, newName) in renamedNames {
            for spelling in Self.usualSpellings(of: name, prefixes: spelledPrefixes) {
                let flag = Self.renamedFlag(spelling, newName: newName, flags: flags)
                usual.append((spelling, .renamed(to: newName, flags: [flag])))
            }
        }
        usualSpellings = ByteKeyTable(usual)
    }

    private static func renamedFlag(_ given: String, newName: String, flags: FlagCatalog) -> RecordFlag {
        flags.flag(.communeRenamed, field: HouseholdField.commune.name, detail: given, newCommune: newName)
    }

    /// Each prefix as written, lower-case, upper-case and capitalised, followed by a
    /// space (and, for abbreviations ending in ".", also written against the name).
    private static func usualPrefixSpellings(_ prefixes: [String]) -> [String] {
        var spellings: Set<String> = [""]
        for prefix in prefixes {
            let lower = prefix.lowercased()
            let capitalised = lower.prefix(1).uppercased() + lower.dropFirst()
            let words = lower.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
            for form in [prefix, lower, prefix.uppercased(), capitalised, words] {
                spellings.insert(form + " ")
                if form.hasSuffix(".") { spellings.insert(form) }
            }
        }
        return Array(spellings)
    }

    private static func usualSpellings(of name: String, prefixes: [String]) -> [String] {
        let forms = [name, name.lowercased(), name.uppercased()]
        return prefixes.flatMap { prefix in forms.map { UnicodeText.nfc(prefix + $0) } }
    }

    private static func key(_ name: String, ignoring prefixes: [String]) -> String {
        let folded = UnicodeText.foldedForComparison(name)
        for prefix in prefixes where folded.hasPrefix(prefix) {
            let rest = folded.dropFirst(prefix.count)
            // "xã" must be a word of its own; "tt." may be written against the name.
            if prefix.hasSuffix(".") || rest.first == " " {
                return UnicodeText.foldedForComparison(String(rest))
            }
        }
        return folded
    }

    /// Matches a trimmed, NFC commune name.
    func match(_ name: String) -> Match {
        if let known = usualSpellings[name] { return known }
        let key = Self.key(name, ignoring: ignoredPrefixes)
        if let current = currentByKey[key] { return .current(current) }
        if let newName = renamedByKey[key] {
            return .renamed(to: newName, flags: [Self.renamedFlag(name, newName: newName, flags: flags)])
        }
        return .unknown
    }
}
