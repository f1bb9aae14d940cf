import ChungTayCoding
import ChungTayRules

/// One savings group's list as a workbook shaped as the printed list the group leader
/// carries (`PrintedGroupList`): the bank's masthead and the Quốc hiệu, the title, the
/// transaction day, the group, its association and commune; then one table of the group
/// CSV's rows (borrowers due or overdue, then supplement candidates) numbered in an STT
/// column, with a totals row; then the signature block. The layout is fixed (docs/BATCH.md
/// "Export"): titles in row 9, rows from row 10 until the first row without an STT.
struct GroupListWorkbook {
    /// The group CSV's fields, a row per borrower then per candidate (`Exporter.groupRows`).
    let rows: [[String?]]
    let list: SavingsGroupList
    /// The commune of the group's households, if known.
    let commune: String?

    static let sheetName = "Danh sách"
    /// 0-based: the title row, below the eight heading lines; the rows start below it.
    static let titleRow = 8

    private static let columns = ExportColumn.groupList
    /// For each workbook column, the group CSV's column that fills it (nil: STT).
    private static let sources: [Int?] = columns.map { column in Exporter.groupColumns.firstIndex(of: column.name) }
    /// Columns summed in the totals row.
    private static let summed: Set<String> = ["nextDueAmount", "overduePrincipal", "interestDue", "overdueSurcharge"]

    /// `section` as the note the list shows.
    static func note(_ section: String) -> String {
        switch section {
        case "due": return "Đến hạn"
        case "overdue": return "Quá hạn"
        case "supplement_candidate": return "Đề nghị vay bổ sung"
        default: return section
        }
    }

    func write(to path: String, temporaryDirectory: String) throws(BatchExportError) {
        let workbook = try XLSXWorkbook(path: path, temporaryDirectory: temporaryDirectory, created: list.asOf)
        let sheet = try workbook.addSheet(Self.sheetName)
        let styles = workbook.styles
        try sheet.setColumns(Self.columns)
        try sheet.setUpPrinting(titleRow: Self.titleRow)
        try writeHeading(sheet, styles)

        try sheet.setRow(Self.titleRow, height: 48)
        for (column, title) in Self.columns.map(\.title).enumerated() {
            try sheet.text(title, row: Self.titleRow, column: column, format: styles.title)
        }
        sheet.freezeRows(above: Self.titleRow + 1)

        var row = Self.titleRow + 1
        var totals = [Int?](repeating: 0, count: Self.columns.count)
        for (index, fields) in rows.enumerated() {
            for (column, definition) in Self.columns.enumerated() {
                let format = styles.cell(definition.kind, bordered: true)
                guard let source = Self.sources[column] else {
                    try sheet.number(Double(index + 1), row: row, column: column, format: format)
                    continue
                }
                var field = source < fields.count ? fields[source] : nil
                if definition.name == ExportColumn.note.name { field = field.map(Self.note) }
                if definition.name == ExportColumn.householdClass.name { field = field.map(PrintedTerms.householdClass) }
                if Self.summed.contains(definition.name) { totals[column] = Self.sum(totals[column], field) }
                try sheet.write(WorkbookCell(field, kind: definition.kind), row: row, column: column, format: format)
            }
            row += 1
        }
        try writeTotals(sheet, styles, row: row, totals: totals)
        try writeSignatures(sheet, styles, row: row + 2)
        try workbook.close()
    }

    private func writeHeading(_ sheet: XLSXSheet, _ styles: WorkbookStyles) throws(BatchExportError) {
        let last = Self.columns.count - 1
        let point = PrintedGroupList.transactionPoint + " " + (commune ?? "")
        try across(sheet, PrintedGroupList.bank, row: 0, columns: 0...4, styles.centred)
        try across(sheet, PrintedGroupList.nation, row: 0, columns: 7...last, styles.centredBold)
        try across(sheet, point.uppercased(), row: 1, columns: 0...4, styles.centredBold)
        try across(sheet, PrintedGroupList.motto, row: 1, columns: 7...last, styles.centredBold)
        try sheet.setRow(3, height: 21)
        try across(sheet, PrintedGroupList.heading.uppercased(), row: 3, columns: 0...last, styles.heading)
        try across(sheet, PrintedGroupList.session + " " + list.asOf.vietnameseDescription, row: 4, columns: 0...last, styles.centredItalic)
        let group = PrintedGroupList.groupLabel + ": " + (list.savingsGroup ?? PrintedGroupList.noGroup)
        let association = PrintedGroupList.associationLabel + ": " + (PrintedTerms.association(list.association) ?? "")
        try sheet.text(group, row: 5, column: 1, format: styles.line)
        try sheet.text(association, row: 5, column: 7, format: styles.line)
        try sheet.text(PrintedGroupList.communeLabel + ": " + (commune ?? ""), row: 6, column: 1, format: styles.line)
        try sheet.text(PrintedGroupList.transactionDay + ": " + list.asOf.vietnameseDescription, row: 6, column: 7, format: styles.line)
    }

    /// The totals row: the counts in words, the money columns' sums as formulas with their values.
    /// The label (B) runs over the empty cells up to the first sum, which draw no line
    /// across it.
    private func writeTotals(_ sheet: XLSXSheet, _ styles: WorkbookStyles, row: Int, totals: [Int?]) throws(BatchExportError) {
        let label = "Tổng cộng: \(list.borrowers.count) khoản vay, \(list.candidates.count) hộ đề nghị vay bổ sung"
        let first = Self.titleRow + 1
        let spanEnd = Self.columns.firstIndex { Self.summed.contains($0.name) } ?? Self.columns.count
        for (column, definition) in Self.columns.enumerated() {
            if column == 1 {
                try sheet.text(label, row: row, column: column, format: styles.totalLabel)
            } else if column > 1 && column < spanEnd {
                try sheet.blank(row: row, column: column, format: styles.totalSpan)
            } else if Self.summed.contains(definition.name) {
                let letter = String(XLSXSheet.cellName(row: 0, column: column).dropLast())
                if row > first {
                    let formula = "=SUM(\(letter)\(first + 1):\(letter)\(row))"
                    try sheet.formula(formula, value: Double(totals[column] ?? 0), row: row, column: column, format: styles.totalMoney)
                } else {
                    try sheet.number(0, row: row, column: column, format: styles.totalMoney)
                }
            } else {
                try sheet.blank(row: row, column: column, format: styles.total)
            }
        }
    }

    private func writeSignatures(_ sheet: XLSXSheet, _ styles: WorkbookStyles, row: Int) throws(BatchExportError) {
        let last = Self.columns.count - 1
        try across(sheet, PrintedGroupList.dateline, row: row, columns: 9...last, styles.centredItalic)
        let spans = [0...3, 5...8, 10...last]
        for (signer, span) in zip(PrintedGroupList.signers, spans) {
            try across(sheet, signer, row: row + 1, columns: span, styles.centredBold)
        }
        for span in spans {
            try across(sheet, PrintedGroupList.signHint, row: row + 2, columns: span, styles.centredItalic)
        }
    }

    /// Text centred across `columns` (libxlsxwriter cannot merge cells in constant-memory
    /// mode): the text in the first cell, the same format on the empty ones after it.
    private func across(
        _ sheet: XLSXSheet, _ text: String, row: Int, columns: ClosedRange<Int>, _ format: WorkbookStyles.Format
    ) throws(BatchExportError) {
        try sheet.text(text, row: row, column: columns.lowerBound, format: format)
        for column in columns.dropFirst() { try sheet.blank(row: row, column: column, format: format) }
    }

    /// A money column's total; nil once it would overflow or a field is not an integer (the
    /// amounts come from an office's files): the formula is then written with the value 0,
    /// and Excel, which recalculates a libxlsxwriter workbook when it opens it, shows its own.
    private static func sum(_ total: Int?, _ field: String?) -> Int? {
        guard let total else { return nil }
        guard let field else { return total }
        guard let amount = Int(field) else { return nil }
        let (result, overflow) = total.addingReportingOverflow(amount)
        return overflow ? nil : result
    }
}
