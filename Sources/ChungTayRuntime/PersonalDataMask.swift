/// Masks citizen IDs and phone numbers in log text (RULES.md section 5: "logs never print
/// a full citizen ID or phone number (mask all but the last 4 digits)").
///
/// Any run of 9 or more digits (optionally after `+`) is masked: citizen IDs have 12,
/// Vietnamese phone numbers 10 (or 11 with +84). Shorter numbers — task ids, counts,
/// amounts below a billion — stay readable.
public enum PersonalDataMask {
    public static let minimumDigits = 9

    public static func mask(_ text: String) -> String {
        var utf8 = Array(text.utf8)
        var index = 0
        var changed = false
        while index < utf8.count {
            guard isDigit(utf8[index]) else { index += 1; continue }
            var end = index
            while end < utf8.count, isDigit(utf8[end]) { end += 1 }
            if end - index >= minimumDigits {
                for position in index..<(end - 4) { utf8[position] = UInt8(ascii: "*") }
                changed = true
            }
            index = end
        }
        return changed ? String(decoding: utf8, as: UTF8.self) : text
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
