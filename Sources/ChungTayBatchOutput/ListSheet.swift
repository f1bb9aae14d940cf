/// A CSV file's rows as workbook sheets (a commune's households or loans, the
/// notifications): the columns' titles in row 1, frozen and with filter buttons, then the
/// rows in the CSV's order, one column per CSV column. Past Excel's 1,048,576 rows the list
/// goes on in a sheet `NAME (2)` with the same title row, and so on.
final class ListSheet {
    private let workbook: XLSXWorkbook
    private let name: String
    private let columns: [ExportColumn]
    private let formats: [WorkbookStyles.Format]
    /// Rows a sheet takes, its title row included (tests lower it).
    private let rowsPerSheet: Int
    private var sheet: XLSXSheet
    private var sheets = 1
    private var row = 0

    init(in workbook: XLSXWorkbook, name: String, columns: [ExportColumn], rowsPerSheet: Int = XLSXSheet.maximumRows)
        throws(BatchExportError)
    {
        self.workbook = workbook
        self.name = name
        self.columns = columns
        self.rowsPerSheet = rowsPerSheet
        formats = columns.map { workbook.styles.cell($0.kind, bordered: false) }
        sheet = try workbook.addSheet(name)
        try startSheet()
    }

    /// One row: the CSV's fields, in the columns' order.
    func append(_ fields: [String?]) throws(BatchExportError) {
        if row == rowsPerSheet {
            try finishSheet()
            sheets += 1
            sheet = try workbook.addSheet("\(name) (\(sheets))")
            try startSheet()
        }
        for (column, field) in fields.enumerated() where column < columns.count {
            try sheet.write(WorkbookCell(field, kind: columns[column].kind), row: row, column: column, format: formats[column])
        }
        row += 1
    }

    /// Ends the last sheet (its filter spans the rows written).
    func finish() throws(BatchExportError) {
        try finishSheet()
    }

    private func startSheet() throws(BatchExportError) {
        try sheet.setColumns(columns)
        try sheet.setRow(0, height: 48)
        for (column, title) in columns.map(\.title).enumerated() {
            try sheet.text(title, row: 0, column: column, format: workbook.styles.title)
        }
        sheet.freezeRows(above: 1)
        row = 1
    }

    private func finishSheet() throws(BatchExportError) {
        try sheet.filter(titleRow: 0, lastRow: row - 1, columns: columns.count)
    }
}
