/// Cell names as Excel writes them (`D17`): messages about a cell name it the way the
/// person who fixes the workbook finds it.
public enum CellReference {
    /// The last column and row a sheet can have (Excel 2007 and later, ECMA-376 §18.3.1.4).
    public static let maximumColumn = 16_384
    public static let maximumRow = 1_048_576

    /// `(4, 17)` → `"D17"`. Columns and rows outside the sheet's range are clamped into it,
    /// so the name is always one a person can look up.
    public static func name(column: Int, row: Int) -> String {
        columnLetters(column) + String(min(max(row, 1), maximumRow))
    }

    /// `1` → `"A"`, `27` → `"AA"`, `16384` → `"XFD"` (bijective base 26).
    public static func columnLetters(_ column: Int) -> String {
        var remaining = min(max(column, 1), maximumColumn)
        var letters: [UInt8] = []
        while remaining > 0 {
            remaining -= 1
            letters.append(UInt8(ascii: "A") + UInt8(remaining % 26))
            remaining /= 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// Parses `AB12` (letters then digits, ASCII, case-insensitive letters; `$` anchors are
    /// not part of a cell's own `r`). Nil for anything else or a column or row out of range.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> (column: Int, row: Int)? {
        var index = 0
        var column = 0
        while index < bytes.count {
            let byte = bytes[index] | 0x20
            guard byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") else { break }
            column = column * 26 + Int(byte - UInt8(ascii: "a")) + 1
            guard column <= maximumColumn else { return nil }
            index += 1
        }
        guard column >= 1, let row = parseRowNumber(UnsafeRawBufferPointer(rebasing: bytes[index...])) else { return nil }
        return (column, row)
    }

    /// Parses a row number: ASCII digits only, 1…1,048,576.
    static func parseRowNumber(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 7 else { return nil }
        var row = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            row = row * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return (1...maximumRow).contains(row) ? row : nil
    }
}
