import ChungTayCoding

/// CSV as RFC 4180 writes it (cells by `CSVCell`), for Excel on Vietnamese Windows: UTF-8 with a byte order
/// mark (without one Excel reads the file in the ANSI code page and garbles every
/// diacritic), a header row, CRLF line ends, and a field quoted when it holds a comma,
/// a double quote, CR or LF, with its quotes doubled.
///
/// Cells are written as they are: no protection against spreadsheet formulas (a cell
/// starting with `=`, `+`, `-` or `@`) is applied, since that would change the data.
enum CSV {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The start of a file: byte order mark and header row.
    static func header(_ columns: [String]) -> [UInt8] {
        var line = Line()
        for column in columns { line.field(column) }
        return byteOrderMark + line.finish()
    }

    /// One record of fields (nil: an empty field), with its CRLF.
    static func line(_ fields: [String?]) -> [UInt8] {
        var line = Line()
        for field in fields { line.field(field) }
        return line.finish()
    }

    /// One record being written.
    struct Line {
        private(set) var bytes: [UInt8] = []
        private var fields = 0

        init() {
            bytes.reserveCapacity(256)
        }

        mutating func field(_ text: String?) {
            if fields > 0 { bytes.append(UInt8(ascii: ",")) }
            fields += 1
            guard let text else { return }
            CSVCell.append(text, to: &bytes)
        }

        mutating func field(_ number: Int?) {
            field(number.map(String.init))
        }

        /// The record with its CRLF.
        consuming func finish() -> [UInt8] {
            bytes.append(0x0D)
            bytes.append(0x0A)
            return bytes
        }
    }
}
