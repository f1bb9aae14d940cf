/// Masks citizen IDs and phone numbers in log text (RULES.md section 5: "logs never print
/// a full citizen ID or phone number (mask all but the last 4 digits)").
///
/// A run of 9 or more digits is masked, where single spaces, dots or hyphens between
/// digits do not end the run (`0912 345 678`, `091-234-5678`): citizen IDs have 12 digits,
/// Vietnamese phone numbers 10 (11 with +84). Shorter numbers — task ids, counts, amounts
/// below a billion, a date — stay readable. A date followed by a time (`2026-11-27 10:00`)
/// reads as 10 digits and is masked: a false positive costs a log reader little, a missed
/// phone number costs a household its privacy.
public enum PersonalDataMask {
    public static let minimumDigits = 9

    public static func mask(_ text: String) -> String {
        var utf8 = Array(text.utf8)
        var index = 0
        var changed = false
        while index < utf8.count {
            guard isDigit(utf8[index]) else { index += 1; continue }
            var digits: [Int] = []
            var end = index
            while end < utf8.count {
                if isDigit(utf8[end]) {
                    digits.append(end)
                    end += 1
                } else if isSeparator(utf8[end]), end + 1 < utf8.count, isDigit(utf8[end + 1]) {
                    end += 1
                } else {
                    break
                }
            }
            if digits.count >= minimumDigits {
                for position in digits.dropLast(4) { utf8[position] = UInt8(ascii: "*") }
                changed = true
            }
            index = end
        }
        return changed ? String(decoding: utf8, as: UTF8.self) : text
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }
}
