import ChungTayCoding
import ChungTayRules
import ChungTayWorkbook

/// One column of an office list's header row: the member its cells become in the spool
/// and how a cell's text is read for it (docs/BATCH.md "Office lists").
struct SpoolColumn: Sendable {
    /// The SCHEMA.md field for a recognised title, else the header cell's text (NFC, trimmed).
    let name: String
    let kind: RecordColumn.ValueKind
    /// Whether the title is one of `RecordColumn`'s.
    let isKnown: Bool

    init(title: String, in columns: [RecordColumn]) {
        if let column = RecordColumn.column(titled: title, in: columns) {
            name = column.field
            kind = column.kind
            isKnown = true
        } else {
            name = UnicodeText.trimmed(UnicodeText.nfc(title))
            kind = .text
            isKnown = false
        }
    }

    /// A cell's text as the column's value: a `.number` as a JSON number read under
    /// `locale`, a `.date` written day first (`5/6/2024`, also with `-` or `.`) as
    /// `2024-06-05` unless the locale is `en`; otherwise, and whenever the text does not
    /// read so, the text as given, which the record checks judge.
    func value(ofText text: String, locale: NumberLocale) -> JSONValue {
        switch kind {
        case .number:
            if let number = locale.number(text) { return .number(number) }
        case .date:
            if locale == .vi, let date = Self.dayFirstDate(UnicodeText.trimmed(text)) { return .string(date.description) }
        case .text, .flag, .nested:
            break
        }
        return .string(text)
    }

    /// `D/M/YYYY`, `D-M-YYYY` or `D.M.YYYY` (one or two digits for day and month, the same
    /// separator twice), when it is a real date.
    static func dayFirstDate(_ text: String) -> CivilDate? {
        let bytes = Array(text.utf8)
        guard let separator = bytes.first(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
        else { return nil }
        let parts = bytes.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4
        else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard part.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            numbers.append(part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) })
        }
        return CivilDate(year: numbers[2], month: numbers[1], day: numbers[0])
    }
}

extension SpoolColumn {
    /// A typed cell as the column's value: numbers stay numbers in a `.number` column and
    /// become their digits in any other (a code typed as a number is still a code); a date
    /// cell is `YYYY-MM-DD`; a boolean is `true`/`false` in a `.flag` column; text is read
    /// as `value(ofText:locale:)` reads it. Error values are the caller's. An integral
    /// number in a `.text` column is zero-padded to `minimumDigits` (the cell's `000…`
    /// number format, as Excel shows it); without one its digits stay as written.
    func value(ofCell value: CellValue, locale: NumberLocale, usesDate1904: Bool, minimumDigits: Int? = nil) -> JSONValue {
        switch value {
        case .text(let text):
            return self.value(ofText: text, locale: locale)
        case .number(_, let literal):
            guard let digits = ExcelNumber.plainDecimal(literal) else { return .string(literal) }
            if kind == .number, let number = DecimalNumber(parsing: digits) { return .number(number) }
            if kind == .text, let minimumDigits, digits.count < minimumDigits,
               digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                return .string(String(repeating: "0", count: minimumDigits - digits.count) + digits)
            }
            return .string(digits)
        case .date(let serial):
            if kind == .number, let number = ExcelNumber.plainDecimal(String(serial)).flatMap(DecimalNumber.init(parsing:)) {
                return .number(number)
            }
            guard let date = CivilDate(excelSerial: serial, usesDate1904: usesDate1904) else { return .string(String(serial)) }
            return .string(date.description)
        case .isoDate(let text):
            if kind == .date, let date = CivilDate(iso: String(text.prefix(10))) { return .string(date.description) }
            return .string(text)
        case .bool(let flag):
            return kind == .flag ? .bool(flag) : .string(flag ? "true" : "false")
        case .error(let text):
            return .string(text)
        }
    }
}

extension SpoolColumn {
    /// The first two of a header's columns, in order, that name the same field of the list
    /// (`Mã hộ` and `householdCode`); nil when none do. Reading on would silently keep one
    /// column's values and drop the other's, so the file is refused. Unknown titles may
    /// repeat: their members repeat and the last wins, as in a machine file.
    static func sameField(_ columns: [SpoolColumn]) -> (first: Int, second: Int)? {
        var seen: [String: Int] = [:]
        for (index, column) in columns.enumerated() where column.isKnown {
            if let first = seen[column.name] { return (first, index) }
            seen[column.name] = index
        }
        return nil
    }
}

extension SpoolColumn {
    /// Whether an office row is a template's leftover rather than a record: its key
    /// (`keyField`) empty and at most one other value in a recognised column, as a row
    /// holding only a row number (STT) or a signature line under the table. Such a row is
    /// left out of the spool (its line stays blank); a row with an empty key but two or
    /// more recognised values is still a record, which the checks flag.
    static func isStrayRow(_ members: [(key: String, value: JSONValue)], keyField: String, knownFields: Set<String>) -> Bool {
        var known = 0
        for member in members where knownFields.contains(member.key) && !isEmpty(member.value) {
            if member.key == keyField { return false }
            known += 1
        }
        return known <= 1
    }

    private static func isEmpty(_ value: JSONValue) -> Bool {
        if case .string(let text) = value { return UnicodeText.trimmed(text).isEmpty }
        return false
    }

    /// The words that state the rows `isStrayRow` left out (`; 3 rows without a household
    /// code skipped`), empty when there were none.
    static func strayRowWords(_ count: Int, list: ListKind) -> String {
        guard count > 0 else { return "" }
        let key = list == .households ? "a household code" : "a loan ID"
        return "; \(count) row\(count == 1 ? "" : "s") without \(key) skipped"
    }
}
