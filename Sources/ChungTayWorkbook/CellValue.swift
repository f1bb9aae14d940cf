/// What one non-empty cell of a sheet holds, typed as the workbook stores it, so that the
/// reader of a list decides what a column means (a code typed as a number stays a code).
public enum CellValue: Sendable, Equatable {
    /// Shared, inline or formula text, in NFC.
    case text(String)
    /// A number, with the `<v>` text as written: Excel writes 40.8 as
    /// `40.799999999999997`, and a reader that wants the decimal a person typed must see
    /// the digits rather than a rounded `Double`.
    case number(Double, literal: String)
    /// A number in a cell whose number format is a date format: the serial in the
    /// workbook's date system (`Workbook.usesDate1904`), fraction of a day included.
    case date(serial: Double)
    /// An ISO 8601 date or time stored as text (`t="d"`), as written.
    case isoDate(String)
    case bool(Bool)
    /// An error value such as `#N/A` or `#VALUE!`, as written.
    case error(String)
}

/// One non-empty cell: its 1-based column number and value.
public struct SheetCell: Sendable, Equatable {
    public var column: Int
    public var value: CellValue
    /// For a `.number` whose cell format is zeros only (`000000000000`, Excel's way to
    /// keep a code's leading zeros): the digits Excel shows at least. Nil otherwise.
    public var minimumDigits: Int?

    public init(column: Int, value: CellValue, minimumDigits: Int? = nil) {
        self.column = column
        self.value = value
        self.minimumDigits = minimumDigits
    }
}

/// One row with at least one non-empty cell: its 1-based row number and its cells in
/// rising column order.
public struct SheetRow: Sendable, Equatable {
    public var number: Int
    public var cells: [SheetCell]

    public init(number: Int, cells: [SheetCell]) {
        self.number = number
        self.cells = cells
    }
}
