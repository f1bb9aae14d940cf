import CXlsxWriter
import ChungTayCoding

/// One sheet of an `XLSXWorkbook`: cells by 0-based row and column, written row by row
/// (the workbook's constant-memory mode refuses a row above the one being written).
final class XLSXSheet {
    let name: String
    private let sheet: UnsafeMutablePointer<lxw_worksheet>
    private unowned let workbook: XLSXWorkbook

    /// Rows a sheet holds (Excel's limit).
    static let maximumRows = Int(LXW_ROW_MAX)

    init(_ sheet: UnsafeMutablePointer<lxw_worksheet>, name: String, workbook: XLSXWorkbook) {
        self.sheet = sheet
        self.name = name
        self.workbook = workbook
    }

    /// A cell of a list: a number, a date or text in its column's format; nothing when empty.
    func write(_ cell: WorkbookCell, row: Int, column: Int, format: UnsafeMutablePointer<lxw_format>?) throws(BatchExportError) {
        switch cell {
        case .empty:
            guard let format else { return }
            try blank(row: row, column: column, format: format)
        case .text(let text):
            try self.text(text, row: row, column: column, format: format)
        case .number(let number):
            try self.number(number, row: row, column: column, format: format)
        case .date(let date):
            var value = lxw_datetime(year: Int32(date.year), month: Int32(date.month), day: Int32(date.day), hour: 0, min: 0, sec: 0)
            try check(worksheet_write_datetime(sheet, lxw_row_t(row), lxw_col_t(column), &value, format), row, column)
        }
    }

    /// Text as text, whatever it looks like (a leading `=` is not a formula).
    func text(_ text: String, row: Int, column: Int, format: UnsafeMutablePointer<lxw_format>?) throws(BatchExportError) {
        try check(worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), text, format), row, column)
    }

    func number(_ number: Double, row: Int, column: Int, format: UnsafeMutablePointer<lxw_format>?) throws(BatchExportError) {
        try check(worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), number, format), row, column)
    }

    /// A formula with its value, so that readers that do not calculate (openpyxl, previews)
    /// show the value too.
    func formula(_ formula: String, value: Double, row: Int, column: Int, format: UnsafeMutablePointer<lxw_format>?) throws(BatchExportError) {
        try check(worksheet_write_formula_num(sheet, lxw_row_t(row), lxw_col_t(column), formula, format, value), row, column)
    }

    /// An empty cell that carries a format (a border, or the span of a centred heading).
    func blank(row: Int, column: Int, format: UnsafeMutablePointer<lxw_format>) throws(BatchExportError) {
        try check(worksheet_write_blank(sheet, lxw_row_t(row), lxw_col_t(column), format), row, column)
    }

    /// A row's height in points; before any cell of the row is written.
    func setRow(_ row: Int, height: Double) throws(BatchExportError) {
        try check(worksheet_set_row(sheet, lxw_row_t(row), height, nil), row, 0)
    }

    /// Widths (in characters) of the columns, from the first.
    func setColumns(_ columns: [ExportColumn]) throws(BatchExportError) {
        for (index, column) in columns.enumerated() {
            try check(worksheet_set_column(sheet, lxw_col_t(index), lxw_col_t(index), column.width, nil), 0, index)
        }
    }

    /// Keeps the rows above `rows` (0-based: the first row that scrolls) in view.
    func freezeRows(above rows: Int) {
        worksheet_freeze_panes(sheet, lxw_row_t(rows), 0)
    }

    /// Filter buttons on the title row over the rows written; once the last row is written.
    func filter(titleRow: Int, lastRow: Int, columns: Int) throws(BatchExportError) {
        try check(worksheet_autofilter(sheet, lxw_row_t(titleRow), 0, lxw_row_t(lastRow), lxw_col_t(columns - 1)), lastRow, 0)
    }

    /// Printed on A4 across, one page wide, the title row on every page.
    func setUpPrinting(titleRow: Int) throws(BatchExportError) {
        worksheet_set_landscape(sheet)
        worksheet_set_paper(sheet, 9)
        worksheet_fit_to_pages(sheet, 1, 0)
        worksheet_set_margins(sheet, 0.4, 0.4, 0.5, 0.5)
        try check(worksheet_repeat_rows(sheet, lxw_row_t(titleRow), lxw_row_t(titleRow)), titleRow, 0)
    }

    private func check(_ error: lxw_error, _ row: Int, _ column: Int) throws(BatchExportError) {
        guard error != LXW_NO_ERROR else { return }
        try workbook.check(error, "sheet \"\(name)\" cell \(Self.cellName(row: row, column: column))")
    }

    /// `A1`-style name of a 0-based cell, for messages.
    static func cellName(row: Int, column: Int) -> String {
        var letters = ""
        var number = column + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            number = (number - 1) / 26
        }
        return letters + String(row + 1)
    }
}
