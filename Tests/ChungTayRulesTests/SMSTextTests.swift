@testable import ChungTayCoding
@testable import ChungTayRules
import Testing

/// SMS texts are the unaccented text cut to the gateway's limits.
@Suite struct SMSTextTests {
    /// The byte-level SMS split against the character-level one it replaced.
    @Test func smsSplitMatchesTheCharacterLevelSplit() {
        func reference(_ text: String, single: Int, part: Int) -> (String, [String]) {
            let extensionCharacters: Set<Character> = ["^", "{", "}", "\\", "[", "]", "~", "|"]
            let unaccented = UnicodeText.unaccentedByFoundation(text)
            let gsm = unaccented.contains("`") ? String(unaccented.map { $0 == "`" ? "'" : $0 }) : unaccented
            let septets = gsm.reduce(0) { $0 + (extensionCharacters.contains($1) ? 2 : 1) }
            guard septets > single else { return (gsm, [gsm]) }
            var parts: [String] = []
            var current = ""
            var used = 0
            for character in gsm {
                let width = extensionCharacters.contains(character) ? 2 : 1
                if used + width > part {
                    parts.append(current)
                    current = ""
                    used = 0
                }
                current.append(character)
                used += width
            }
            if !current.isEmpty { parts.append(current) }
            return (gsm, parts)
        }
        let texts = [
            "", "a", "`", "Hộ `Nguyễn` {An} [x] ~|^\\ đến hạn", String(repeating: "Trần Thị Bích Ngọc ", count: 12),
            String(repeating: "{[~]}", count: 40), String(repeating: "x", count: 160), String(repeating: "x", count: 161),
            String(repeating: "x", count: 159) + "^", String(repeating: "x", count: 152) + "^y", "한국 `名前` 😀 {Ω}",
            "Tab\tLine\r\nEnd",
        ]
        for text in texts {
            for (single, part) in [(160, 153), (10, 7), (1, 1), (2, 1), (3, 2), (5, 5)] {
                let sms = SMSText(text, singleMessageLimit: single, concatenatedPartLimit: part)
                let (gsm, parts) = reference(text, single: single, part: part)
                #expect(sms.text == gsm)
                #expect(sms.parts == parts, "\(text) \(single)/\(part)")
            }
        }
    }
}
