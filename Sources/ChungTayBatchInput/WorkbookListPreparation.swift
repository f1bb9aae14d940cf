import ChungTayCoding
import ChungTayRules
import ChungTayWorkbook

/// `ListPreparation` for an `.xlsx` workbook, streamed through `Workbook` twice: the
/// sheet (`--sheet`, or the first visible one with a header row), its header row (the first of the
/// first 50 that names the list's key column; rows above it ignored) and the locale of
/// numbers written as text, then the spool, one line per row number.
struct WorkbookListPreparation {
    let path: String
    let list: ListKind
    let sheet: String?
    let locale: NumberLocale?
    let maximumRecordBytes: Int

    /// Rows searched for the header.
    static let headerRowLimit = 50

    /// A sheet's header: its row number, and each column's reading by column number.
    private struct Header {
        var row: Int
        var columns: [Int: SpoolColumn]
        /// Whether the row also names the household list's key when this is the loan list,
        /// or the loan list's key (`loanId`) when this is the household list.
        var namesOtherKey = false
    }

    func prepare() throws(BatchInputError) -> PreparedList {
        let file = ListSource(path: path).file
        let workbook: Workbook
        do {
            workbook = try Workbook(path: path)
        } catch {
            throw .unreadableWorkbook(path: path, message: error.description)
        }
        let (name, header) = try chooseSheet(workbook)
        let (locale, localeWords) = try readLocale(workbook, sheet: name, header: header)
        let spool = try SpoolFile()
        let skipped = try writeSpool(workbook, sheet: name, header: header, locale: locale, to: spool)
        let known = header.columns.values.count { $0.isKnown }
        var statement = "\(file): sheet \"\(name)\", header row \(header.row), \(header.columns.count) columns (\(known) known)"
        if let localeWords { statement += "; \(localeWords)" }
        statement += SpoolColumn.strayRowWords(skipped, list: list)
        return PreparedList(source: ListSource(spool: spool.path, file: file, sheet: name), statement: statement, spool: spool)
    }

    /// The sheet given (matched exactly, else in NFC without case) or the first visible one
    /// with a header row, and that header. A hidden sheet is never chosen unasked: the
    /// officer, who cannot see it in Excel, would review another list than the one sent.
    private func chooseSheet(_ workbook: Workbook) throws(BatchInputError) -> (String, Header) {
        let key = "\(list.keyField) (\"\(list.keyColumn.title)\")"
        if let sheet {
            let folded = UnicodeText.nfc(sheet).lowercased()
            guard let name = workbook.sheetNames.first(where: { $0 == sheet })
                ?? workbook.sheetNames.first(where: { UnicodeText.nfc($0).lowercased() == folded })
            else { throw .noSuchSheet(path: path, sheet: sheet, sheets: workbook.sheetNames) }
            guard let header = try findHeader(workbook, sheet: name) else {
                throw .noHeaderRow(
                    path: path, message: "sheet \"\(name)\" has no row naming \(key) in its first \(Self.headerRowLimit) rows")
            }
            return (name, header)
        }
        let hidden = workbook.hiddenSheetNames
        // A loan sheet names the household code too: for the household list, a sheet whose
        // header also names loanId is the loan list, not chosen unasked.
        var otherLists: [String] = []
        for name in workbook.sheetNames where !hidden.contains(name) {
            do {
                guard let header = try findHeader(workbook, sheet: name) else { continue }
                if list == .households, header.namesOtherKey {
                    otherLists.append(name)
                    continue
                }
                return (name, header)
            } catch .optionNotApplicable {
                continue
            }
        }
        let sheets = workbook.sheetNames.map { "\"\($0)\"" + (hidden.contains($0) ? " (hidden)" : "") }.joined(separator: ", ")
        if !otherLists.isEmpty {
            let other = ListKind.loans.keyColumn
            let named = otherLists.map { "\"\($0)\"" }.joined(separator: ", ")
            throw .noHeaderRow(
                path: path,
                message: "no visible sheet has a row naming \(key) but not \(other.field) (\"\(other.title)\") in its first "
                    + "\(Self.headerRowLimit) rows (sheets: \(sheets)); \(named) also name\(otherLists.count == 1 ? "s" : "") "
                    + "\(other.field), as a loan list does: give --sheet if the household list is there")
        }
        // Only to name them in the refusal: a hidden sheet whose rows name the key column.
        var hiddenWithHeader: [String] = []
        for name in workbook.sheetNames where hidden.contains(name) {
            do {
                if try findHeader(workbook, sheet: name) != nil { hiddenWithHeader.append(name) }
            } catch .optionNotApplicable {
                continue
            } catch .noHeaderRow {
                hiddenWithHeader.append(name)  // a header row naming a field twice: --sheet says so
            }
        }
        guard !hiddenWithHeader.isEmpty else {
            throw .noHeaderRow(
                path: path,
                message: "no sheet has a row naming \(key) in its first \(Self.headerRowLimit) rows (sheets: \(sheets)); "
                    + "give --sheet, or add the header row")
        }
        let named = hiddenWithHeader.map { "\"\($0)\"" }.joined(separator: ", ")
        let advice = hiddenWithHeader.count == 1
            ? "the hidden sheet \(named) has one, but Excel does not show it: give --sheet \(named) if it is the list meant"
            : "the hidden sheets \(named) have one, but Excel does not show them: give --sheet with the one meant"
        throw .noHeaderRow(
            path: path,
            message: "no visible sheet has a row naming \(key) in its first \(Self.headerRowLimit) rows (sheets: \(sheets)); "
                + advice + ", or unhide it in Excel")
    }

    /// The first of the sheet's first rows that names the key column. A chart sheet is
    /// `optionNotApplicable` (skipped when looking for a sheet).
    private func findHeader(_ workbook: Workbook, sheet: String) throws(BatchInputError) -> Header? {
        let rows = try open(workbook, sheet: sheet)
        while let row = try next(rows) {
            guard row.number <= Self.headerRowLimit else { return nil }
            var columns: [Int: SpoolColumn] = [:]
            var titled: [(cell: SheetCell, title: String, column: SpoolColumn)] = []
            for cell in row.cells {
                guard let title = Self.title(of: cell.value) else { continue }
                let column = SpoolColumn(title: title, in: list.columns)
                columns[cell.column] = column
                titled.append((cell, title, column))
            }
            guard columns.values.contains(where: { $0.name == list.keyField }) else { continue }
            if let (first, second) = SpoolColumn.sameField(titled.map(\.column)) {
                let (one, other) = (titled[first], titled[second])
                throw .noHeaderRow(
                    path: path,
                    message: "sheet \"\(sheet)\": cells \(CellReference.name(column: one.cell.column, row: row.number)) "
                        + "(\"\(one.title)\") and \(CellReference.name(column: other.cell.column, row: row.number)) "
                        + "(\"\(other.title)\") both name \(one.column.name); remove or rename one")
            }
            let other: ListKind = list == .households ? .loans : .households
            let namesOtherKey = titled.contains { RecordColumn.column(titled: $0.title, in: other.columns)?.field == other.keyField }
            return Header(row: row.number, columns: columns, namesOtherKey: namesOtherKey)
        }
        return nil
    }

    /// A header cell's text: text as is, a number as written; nil for other cells.
    private static func title(of value: CellValue) -> String? {
        switch value {
        case .text(let text): text
        case .number(_, let literal): literal
        default: nil
        }
    }

    /// The first pass past the header: the locale of numbers written as text (unless
    /// given), with the words that state it, nil when there were none to read.
    private func readLocale(_ workbook: Workbook, sheet: String, header: Header) throws(BatchInputError) -> (NumberLocale, String?) {
        if let locale { return (locale, "numbers read as locale \(locale.rawValue) (--locale)") }
        let rows = try open(workbook, sheet: sheet)
        var detector = NumberLocaleDetector()
        while let row = try next(rows) {
            guard row.number > header.row else { continue }
            for cell in row.cells {
                guard case .text(let text) = cell.value, header.columns[cell.column]?.kind == .number else { continue }
                detector.note(text)
            }
            if detector.isMixed { break }
        }
        // Text dates are day first in a Vietnamese office's workbook unless its numbers say otherwise.
        let (locale, words) = try detector.decision(path: path, fallback: .vi, fallbackReason: "a workbook")
        let decided = detector.examples(.vi) != nil || detector.examples(.en) != nil || detector.ambiguous != nil
        return (locale, decided ? words : nil)
    }

    /// The second pass: each row after the header on its line of the spool, its cells in
    /// the header's columns as members (others ignored), the first error value as the
    /// record's input error. A row `SpoolColumn.isStrayRow` finds no record is left out;
    /// returns how many were.
    private func writeSpool(
        _ workbook: Workbook, sheet: String, header: Header, locale: NumberLocale, to spool: SpoolFile
    ) throws(BatchInputError) -> Int {
        let knownFields = Set(header.columns.values.filter(\.isKnown).map(\.name))
        var skipped = 0
        let writer = SpoolWriter(spool: spool, naming: path, maximumRecordBytes: maximumRecordBytes)
        let rows = try open(workbook, sheet: sheet)
        var members: [(key: String, value: JSONValue)] = []
        while let row = try next(rows) {
            guard row.number > header.row else { continue }
            members.removeAll(keepingCapacity: true)
            var error: InputError?
            for cell in row.cells {
                guard let column = header.columns[cell.column] else { continue }
                if case .error(let value) = cell.value {
                    if error == nil {
                        error = InputError(column: cell.column, field: column.name, message: "error value \(value) in the cell")
                    }
                    continue
                }
                members.append((
                    column.name,
                    column.value(
                        ofCell: cell.value, locale: locale, usesDate1904: workbook.usesDate1904, minimumDigits: cell.minimumDigits)
                ))
            }
            if error == nil, SpoolColumn.isStrayRow(members, keyField: list.keyField, knownFields: knownFields) {
                skipped += 1
                continue
            }
            try writer.append(line: row.number, members: members, error: error)
        }
        try writer.flush()
        return skipped
    }

    private func open(_ workbook: Workbook, sheet: String) throws(BatchInputError) -> SheetRows {
        do {
            return try workbook.rows(ofSheet: sheet)
        } catch .notAWorksheet {
            throw .optionNotApplicable(path: path, message: "sheet \"\(sheet)\" is a chart sheet, not a list")
        } catch {
            throw .unreadableWorkbook(path: path, message: error.description)
        }
    }

    private func next(_ rows: SheetRows) throws(BatchInputError) -> SheetRow? {
        do {
            return try rows.next()
        } catch {
            throw .unreadableWorkbook(path: path, message: error.description)
        }
    }
}
