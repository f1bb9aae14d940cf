import ChungTayCoding

/// A record's key (citizen id, household code) as the record checks read a text field:
/// a string, trimmed, in NFC, not empty. Anything else (absent, null, a number…) is no
/// key. Uses the text handling the rules use (ChungTayCoding's), so duplicates are found
/// exactly where the checks would see equal values.
enum RecordKey {
    static func text(of value: JSONValue?) -> String? {
        guard case .some(.string(let raw)) = value else { return nil }
        let trimmed = UnicodeText.trimmed(UnicodeText.nfc(raw))
        return trimmed.isEmpty ? nil : trimmed
    }
}
