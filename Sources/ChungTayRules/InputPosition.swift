/// Where in an input file reading a batch record failed: the file, the 1-based line and
/// the 1-based column, as the `record_unreadable` message names them (docs/BATCH.md); for
/// a workbook's row, the sheet too, and the message names the cell.
struct InputPosition: Sendable, Equatable {
    let file: String
    let sheet: String?
    /// A sheet's row number.
    let line: Int
    let column: Int

    init(file: String, sheet: String? = nil, line: Int, column: Int) {
        self.file = file
        self.sheet = sheet
        self.line = line
        self.column = column
    }

    /// `ds.xlsx:Sheet1!D17` in a sheet, as Excel names the cell (bijective base-26 column
    /// letters); nil for a text file.
    var cell: String? {
        guard let sheet else { return nil }
        var letters: [Character] = []
        var remaining = max(column, 1)
        while remaining > 0 {
            remaining -= 1
            letters.append(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(remaining % 26))))
            remaining /= 26
        }
        return "\(file):\(sheet)!\(String(letters.reversed()))\(line)"
    }
}
