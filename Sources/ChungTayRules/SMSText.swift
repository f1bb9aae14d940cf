/// An SMS rendering: unaccented GSM-7 text, and its split into the parts a gateway
/// sends (one part up to 160 characters; above that, parts of 153 because each part
/// carries a concatenation header).
public struct SMSText: Sendable, Equatable {
    /// The whole message, printable ASCII that is also in the GSM-7 alphabet.
    public let text: String
    /// The parts to send, in order; one part when the text fits a single message.
    public let parts: [String]

    /// Characters of GSM-7's extension table: each takes two of the 160 positions.
    private static let extensionCharacters: Set<Character> = ["^", "{", "}", "\\", "[", "]", "~", "|"]

    init(_ text: String, singleMessageLimit: Int, concatenatedPartLimit: Int) {
        // The backtick is the one printable ASCII character GSM-7 cannot carry.
        let gsm = UnicodeText.unaccented(text).replacingBacktick()
        self.text = gsm
        guard Self.septets(gsm) > singleMessageLimit else {
            parts = [gsm]
            return
        }
        var parts: [String] = []
        var part = ""
        var used = 0
        for character in gsm {
            let width = Self.extensionCharacters.contains(character) ? 2 : 1
            if used + width > concatenatedPartLimit {
                parts.append(part)
                part = ""
                used = 0
            }
            part.append(character)
            used += width
        }
        if !part.isEmpty { parts.append(part) }
        self.parts = parts
    }

    /// The length in GSM-7 positions.
    static func septets(_ text: String) -> Int {
        text.reduce(0) { $0 + (extensionCharacters.contains($1) ? 2 : 1) }
    }
}

extension String {
    fileprivate func replacingBacktick() -> String {
        contains("`") ? String(map { $0 == "`" ? "'" : $0 }) : self
    }
}
