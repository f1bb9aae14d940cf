/// Masks citizen IDs and phone numbers in log text (RULES.md section 5: "logs never print
/// a full citizen ID or phone number (mask all but the last 4 digits)").
///
/// A run of 9 or more digits is masked: citizen IDs have 12 digits, Vietnamese phone
/// numbers 10 (11 with +84). People write them in many ways, so a digit is any decimal
/// digit (ASCII or full-width `０`–`９`, or another script's), and up to three separators
/// between two digits do not end the run: spaces (also no-break and ideographic), `.`, `-`,
/// `/`, `(`, `)`, `_` and their full-width forms, dashes. So `0912 345 678`,
/// `0912  345  678`, `0912/345/678`, `(091)234-5678` and `+84 912 345 678` are one run
/// each. Letters, `,`, `:` and the like end a run, so task ids, counts, amounts below a
/// billion and a date stay readable. A date followed by a time (`2026-11-27 10:00`) reads
/// as 10 digits and is masked: a false positive costs a log reader little, a missed phone
/// number costs a household its privacy.
public enum PersonalDataMask {
    public static let minimumDigits = 9
    /// Most separator characters between two digits of one run.
    static let maximumGap = 3

    public static func mask(_ text: String) -> String {
        // The common case, a line without nine digits in it, costs one pass over the bytes.
        guard text.utf8.count >= minimumDigits, mayHoldRun(text) else { return text }
        var scalars = Array(text.unicodeScalars)
        var index = 0
        var changed = false
        while index < scalars.count {
            guard isDigit(scalars[index]) else { index += 1; continue }
            var digits: [Int] = [index]
            var end = index + 1
            while end < scalars.count {
                if isDigit(scalars[end]) {
                    digits.append(end)
                    end += 1
                    continue
                }
                var gap = end
                while gap < scalars.count, gap - end < maximumGap, isSeparator(scalars[gap]) { gap += 1 }
                guard gap > end, gap < scalars.count, isDigit(scalars[gap]) else { break }
                end = gap
            }
            if digits.count >= minimumDigits {
                for position in digits.dropLast(4) { scalars[position] = "*" }
                changed = true
            }
            index = end
        }
        guard changed else { return text }
        var masked = String.UnicodeScalarView()
        masked.append(contentsOf: scalars)
        return String(masked)
    }

    /// False when the text has fewer than `minimumDigits` ASCII digits and nothing but ASCII:
    /// then no run can be long enough.
    private static func mayHoldRun(_ text: String) -> Bool {
        var digits = 0
        for byte in text.utf8 {
            if byte >= 0x80 { return true }
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits += 1
                if digits >= minimumDigits { return true }
            }
        }
        return false
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar >= "0" && scalar <= "9" }
        return scalar.properties.numericType == .decimal
    }

    private static let separators: Set<Unicode.Scalar> = [
        " ", ".", "-", "/", "(", ")", "_",
        "\u{00A0}", "\u{2007}", "\u{202F}", "\u{3000}",  // no-break, figure, narrow no-break, ideographic spaces
        "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2212}",  // hyphens, dashes, minus
        "\u{FF08}", "\u{FF09}", "\u{FF0D}", "\u{FF0E}", "\u{FF0F}", "\u{FF3F}",  // full-width ( ) - . / _
    ]

    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        separators.contains(scalar)
    }
}
