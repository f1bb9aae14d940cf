public import ChungTayCoding

/// How numbers are written in an office list's text: `vi` with a decimal comma and dots
/// grouping thousands (`4.965.000`, `40,8`), as a Vietnamese-locale Excel writes them; `en`
/// with a decimal point and commas grouping (`4,965,000`, `40.8`). Read per file, never
/// per cell (`NumberLocaleDetector`): `4.965` alone cannot say which it is.
public enum NumberLocale: String, Sendable, CaseIterable {
    case vi, en

    /// The decimal mark and the grouping mark.
    var marks: (decimal: UInt8, grouping: UInt8) {
        switch self {
        case .vi: (UInt8(ascii: ","), UInt8(ascii: "."))
        case .en: (UInt8(ascii: "."), UInt8(ascii: ","))
        }
    }

    /// What one cell says about the locale.
    enum Evidence: Equatable {
        /// Digits only, or not a number at all.
        case none
        /// `4.965` or `4,965`: a group of three or a decimal, either way.
        case ambiguous
        /// A decimal mark or grouping that only this locale writes so; `grouped` when the
        /// evidence is grouping (`4.965.000`), not a decimal (`40,8`).
        case locale(NumberLocale, grouped: Bool)
    }

    /// A cell's text without the spaces that group digits (U+0020, U+00A0, U+202F) and
    /// surrounding whitespace; its optional sign, digits and marks as bytes.
    private static func compact(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x20, 0x09, 0xA0, 0x202F: continue
            default: bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The sign (if any) and the rest; nil when the rest is not all digits and marks with a digit.
    private static func body(_ bytes: [UInt8]) -> (negative: Bool, body: ArraySlice<UInt8>)? {
        var body = bytes[...]
        var negative = false
        if let first = body.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        guard body.contains(where: isDigit),
            body.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") })
        else { return nil }
        return (negative, body)
    }

    /// Digits grouped by `mark` in threes after a first group of one to three that does not
    /// start with 0: `4.965.000` (`0.965` is a decimal or nothing, never 965).
    private static func isGrouped(_ digits: ArraySlice<UInt8>, by mark: UInt8) -> Bool {
        let groups = digits.split(separator: mark, omittingEmptySubsequences: false)
        guard let first = groups.first, (1...3).contains(first.count), first.first != UInt8(ascii: "0"), first.allSatisfy(isDigit)
        else { return false }
        return groups.dropFirst().allSatisfy { $0.count == 3 && $0.allSatisfy(isDigit) }
    }

    /// What `text` (a cell of a number column) says about the file's locale.
    static func evidence(_ text: String) -> Evidence {
        guard let (_, body) = body(compact(text)) else { return .none }
        let dot = UInt8(ascii: ".")
        let comma = UInt8(ascii: ",")
        let dots = body.count { $0 == dot }
        let commas = body.count { $0 == comma }
        switch (dots, commas) {
        case (0, 0):
            return .none
        case (_, 0), (0, _):
            let mark = dots > 0 ? dot : comma
            let locale: NumberLocale = mark == dot ? .vi : .en
            if dots + commas >= 2 { return isGrouped(body, by: mark) ? .locale(locale, grouped: true) : .none }
            let parts = body.split(separator: mark, omittingEmptySubsequences: false)
            guard parts[0].count >= 1, parts[1].count >= 1 else { return .none }
            // `4.965` groups or divides; `0.965` and `40.8` can only divide.
            if parts[1].count == 3 && parts[0].count <= 3 && parts[0].first != UInt8(ascii: "0") { return .ambiguous }
            return .locale(locale == .vi ? .en : .vi, grouped: false)
        default:
            // Both marks: the last one is the decimal mark, the other groups before it.
            let last = body.last { $0 == dot || $0 == comma }!
            let locale: NumberLocale = last == comma ? .vi : .en
            return locale.decimal(body) != nil ? .locale(locale, grouped: true) : .none
        }
    }

    /// The cell's text as a number written this locale's way (grouping optional), or nil.
    public func number(_ text: String) -> DecimalNumber? {
        guard let (negative, body) = Self.body(Self.compact(text)), let plain = decimal(body) else { return nil }
        return DecimalNumber(parsing: (negative ? "-" : "") + plain)
    }

    /// `body` as a plain decimal (`4965000`, `40.8`) read this locale's way, or nil.
    private func decimal(_ body: ArraySlice<UInt8>) -> String? {
        let (decimalMark, groupingMark) = marks
        let parts = body.split(separator: decimalMark, omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        var integer = parts[0]
        if integer.contains(groupingMark) {
            guard Self.isGrouped(integer, by: groupingMark) else { return nil }
            integer = ArraySlice(integer.filter { $0 != groupingMark })
        }
        guard !integer.isEmpty, integer.allSatisfy(Self.isDigit) else { return nil }
        // Leading zeros are not JSON's grammar; the value is the same without them.
        let trimmed = integer.drop { $0 == UInt8(ascii: "0") }
        var plain = trimmed.isEmpty ? "0" : String(decoding: trimmed, as: UTF8.self)
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy(Self.isDigit) else { return nil }
            plain += "." + String(decoding: parts[1], as: UTF8.self)
        }
        return plain
    }
}
