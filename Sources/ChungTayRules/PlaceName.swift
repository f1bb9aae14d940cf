import ChungTayCoding

/// How a place value is named in a message: as it is when it already carries its own
/// word ("Thôn 8", "Ấp Gia Lâm"), after the message language's word otherwise ("thôn
/// 8"), so that no message reads "thôn Thôn 8" (`notification-templates.json` `places`).
struct PlaceName: Sendable {
    /// Put before a bare value.
    let word: NotificationTemplates.Label
    /// Each prefix as NFC scalars, in lower and upper case, for a comparison that
    /// ignores case without building strings per message.
    private let prefixes: [[(lower: Unicode.Scalar, upper: Unicode.Scalar)]]

    init(_ node: RuleFileNode) throws(RuleDataError) {
        word = try NotificationTemplates.Label(node)
        let prefixesNode = try node.member("prefixes")
        var prefixes: [[(lower: Unicode.Scalar, upper: Unicode.Scalar)]] = []
        for prefix in try prefixesNode.strings() {
            let composed = UnicodeText.nfc(prefix)
            let lower = Array(composed.lowercased().unicodeScalars)
            let upper = Array(composed.uppercased().unicodeScalars)
            guard !lower.isEmpty, lower.count == upper.count else {
                throw prefixesNode.error("\"\(prefix)\" must be a word whose upper and lower case have as many characters")
            }
            prefixes.append(Array(zip(lower, upper).map { (lower: $0, upper: $1) }))
        }
        self.prefixes = prefixes
    }

    /// Whether `value` (NFC, as record fields are read) begins with one of the prefixes
    /// in any case, followed by nothing, a space or a digit.
    func hasOwnWord(_ value: String) -> Bool {
        let scalars = value.unicodeScalars
        return prefixes.contains { prefix in
            var index = scalars.startIndex
            for letter in prefix {
                guard index < scalars.endIndex, scalars[index] == letter.lower || scalars[index] == letter.upper else {
                    return false
                }
                scalars.formIndex(after: &index)
            }
            guard index < scalars.endIndex else { return true }
            let next = scalars[index]
            return next == " " || ("0"..."9").contains(next)
        }
    }
}
