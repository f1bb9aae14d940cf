import ChungTayCoding

/// What a CSV field becomes in a workbook cell of its column (docs/BATCH.md "Cells"). The
/// workbook is made from the same fields as the CSV, so the two cannot disagree: a number
/// column's field that is a number as the CSV writes it becomes a number, a date column's
/// ISO date a date, and everything else stays the text the CSV has (a code is never turned
/// into a number, which would lose its leading zeros).
enum WorkbookCell: Equatable {
    case empty
    case text(String)
    case number(Double)
    case date(CivilDate)

    /// Excel's limit on a cell's text, in UTF-16 code units (libxlsxwriter refuses more).
    static let maximumTextLength = 32_767
    /// Digits a double holds exactly in every case, so a number cell reads back as the field.
    private static let exactDigits = 15

    init(_ field: String?, kind: ExportColumn.Kind) {
        guard let field, !field.isEmpty else {
            self = .empty
            return
        }
        switch kind {
        case .number, .money:
            if let number = Self.number(field) {
                self = .number(number)
                return
            }
        case .date:
            // Excel's 1900 date system is wrong before March 1900 (it counts 29 February 1900).
            if let date = CivilDate(iso: field), date >= CivilDate(year: 1900, month: 3, day: 1)! {
                self = .date(date)
                return
            }
        case .text:
            break
        }
        self = .text(Self.clipped(Self.printable(field)))
    }

    /// The field as a double when it is a decimal number in the spelling the export writes
    /// (`DecimalNumber.description`: no leading zeros, no trailing fractional zeros) with at
    /// most 15 digits, so that the double is the field's nearest and prints back as it.
    static func number(_ field: String) -> Double? {
        guard let decimal = DecimalNumber(parsing: field), decimal.description == field,
            decimal.units.magnitude < UInt(DecimalNumber.powerOfTen(exactDigits))
        else { return nil }
        var divisor = 1.0
        for _ in 0..<decimal.scale { divisor *= 10 }
        // Both operands are exact (under 10^15, and 10^scale with scale at most 18 is exact
        // up to 10^22), so the quotient is the correctly rounded value of the decimal.
        return Double(decimal.units) / divisor
    }

    /// The text with its line breaks as a cell holds them (CR LF and a lone CR as LF) and
    /// any other control character but tab as U+FFFD, as the printed lists show it:
    /// libxlsxwriter would write it as Excel's `_xHHHH_` escape, which Excel reads back but
    /// other readers (openpyxl) show as those seven characters.
    static func printable(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A }) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        var afterCR = false
        for scalar in text.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            switch scalar.value {
            case 0x0D: result.unicodeScalars.append("\n")
            case 0x0A where afterCR: continue
            case 0x09, 0x0A, 0x20...: result.unicodeScalars.append(scalar)
            default: result.unicodeScalars.append("\u{FFFD}")
            }
        }
        return result
    }

    /// The text cut to Excel's limit at a character boundary.
    static func clipped(_ text: String) -> String {
        guard text.utf16.count > maximumTextLength else { return text }
        var length = 0
        var end = text.startIndex
        for index in text.indices {
            let next = text[index].utf16.count
            guard length + next <= maximumTextLength else { break }
            length += next
            end = text.index(after: index)
        }
        return String(text[..<end])
    }
}
