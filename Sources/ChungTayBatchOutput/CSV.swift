/// CSV as RFC 4180 writes it, for Excel on Vietnamese Windows: UTF-8 with a byte order
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
            guard let text, !text.isEmpty else { return }
            let utf8 = text.utf8
            let needsQuotes = utf8.contains { byte in
                byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A
            }
            guard needsQuotes else {
                bytes.append(contentsOf: utf8)
                return
            }
            bytes.append(UInt8(ascii: "\""))
            for byte in utf8 {
                bytes.append(byte)
                if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            }
            bytes.append(UInt8(ascii: "\""))
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
