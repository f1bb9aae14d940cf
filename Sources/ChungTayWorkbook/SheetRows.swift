/// The rows of one worksheet, streamed from its part (`<sheetData>`, ECMA-376 §18.3.1.80)
/// one at a time in file order; rows with no non-empty cell are skipped.
///
/// Rows and cells may omit `r` (then they follow the previous one); rows must rise and
/// cells rise within their row, as Excel requires, so a row number is the place a person
/// finds it. A damaged part (bad deflate data, a CRC that differs) is only known at its
/// end: the reader reads the part to its end after the last row, so the last `next()`
/// reports it, and a reader that acts on rows only after reaching the end is safe.
public final class SheetRows {
    private let tokenizer: XMLTokenizer
    private let sharedStrings: SharedStrings
    private let styles: CellStyles
    private let limits: WorkbookLimits
    private var sheetDataDepth: Int?
    private var finished = false
    private var failure: WorkbookError?
    private var previousRow = 0
    /// Cells of the last row, to size the next row's array.
    private var previousCellCount = 0
    /// Reused buffers for a cell's `<v>` and inline-string text.
    private var value: [UInt8] = []
    private var inlineText: [UInt8] = []
    /// The zero-padding width of the last cell read (`CellStyles.minimumDigits`), for a number.
    private var lastMinimumDigits: Int?

    package init(tokenizer: XMLTokenizer, sharedStrings: SharedStrings, styles: CellStyles, limits: WorkbookLimits) {
        self.tokenizer = tokenizer
        self.sharedStrings = sharedStrings
        self.styles = styles
        self.limits = limits
    }

    /// The next row with a non-empty cell; nil after the last (then the part has been
    /// read to its end and checked).
    public func next() throws(WorkbookError) -> SheetRow? {
        if let failure { throw failure }
        do {
            return try readNextRow()
        } catch {
            // The tokenizer's place is lost: every later call reports the same error.
            failure = error
            throw error
        }
    }

    private func readNextRow() throws(WorkbookError) -> SheetRow? {
        while !finished {
            switch try tokenizer.next() {
            case .start:
                if let depth = sheetDataDepth {
                    if tokenizer.depth == depth + 1 && tokenizer.isNamed("row") {
                        if let row = try readRow() { return row }
                    } else {
                        try tokenizer.skipElement()
                    }
                } else if tokenizer.depth == 2 && tokenizer.isNamed("sheetData") {
                    sheetDataDepth = tokenizer.depth
                } else if tokenizer.depth > 1 {
                    try tokenizer.skipElement()
                }
            case .end:
                if let depth = sheetDataDepth, tokenizer.depth < depth {
                    try readToEnd()
                }
            case .text:
                continue
            case .endOfDocument:
                finished = true
            }
        }
        return nil
    }

    /// After `</sheetData>`: the rest of the part is tokenized (and so inflated and its
    /// CRC checked) but not interpreted.
    private func readToEnd() throws(WorkbookError) {
        while try tokenizer.next() != .endOfDocument {}
        finished = true
    }

    private func invalid(_ reason: String) -> WorkbookError {
        .invalidContent(part: tokenizer.partName, reason: reason)
    }

    /// Called right after `<row>`; reads through `</row>`. Nil for a row with no non-empty cell.
    private func readRow() throws(WorkbookError) -> SheetRow? {
        var number: Int?
        if let given = try tokenizer.attribute("r") {
            guard let row = CellReference.parseRowNumber(given) else {
                throw invalid("a row numbered \"\(XMLText.string(given))\" (rows are 1…\(CellReference.maximumRow)) after row \(previousRow)")
            }
            number = row
        }
        var cells: [SheetCell] = []
        cells.reserveCapacity(previousCellCount)
        var column = 0
        var textBytes = 0
        while true {
            switch try tokenizer.next() {
            case .start where tokenizer.isNamed("c"):
                let reference = try tokenizer.attribute("r").map { (bytes) throws(WorkbookError) -> (column: Int, row: Int) in
                    guard let reference = CellReference.parse(bytes) else {
                        throw invalid("a cell named \"\(XMLText.string(bytes))\" in the row after row \(previousRow)")
                    }
                    return reference
                }
                if number == nil { number = try checkedRowNumber(reference?.row ?? previousRow + 1) }
                let row = number ?? previousRow + 1
                if let reference, reference.row != row {
                    throw invalid("the cell \(CellReference.name(column: reference.column, row: reference.row)) inside row \(row)")
                }
                let cellColumn = reference?.column ?? column + 1
                guard cellColumn > column, cellColumn <= CellReference.maximumColumn else {
                    throw invalid("cells out of order in row \(row) (column \(cellColumn) after column \(column))")
                }
                column = cellColumn
                if let value = try readCell(column: cellColumn, row: row) {
                    if case .text(let text) = value {
                        textBytes += text.utf8.count
                        guard textBytes <= limits.maximumRowTextBytes else {
                            throw .limitExceeded(part: tokenizer.partName, what: "text bytes in row \(row)", limit: limits.maximumRowTextBytes)
                        }
                    }
                    let minimumDigits: Int? = if case .number = value { lastMinimumDigits } else { nil }
                    cells.append(SheetCell(column: cellColumn, value: value, minimumDigits: minimumDigits))
                }
            case .start:
                try tokenizer.skipElement()
            case .text:
                continue
            case .end:
                let row = try checkedRowNumber(number ?? previousRow + 1)
                previousRow = row
                previousCellCount = cells.count
                return cells.isEmpty ? nil : SheetRow(number: row, cells: cells)
            case .endOfDocument:
                throw tokenizer.malformed("the part ends inside a row")
            }
        }
    }

    /// A row number after the previous row's and within the sheet.
    private func checkedRowNumber(_ row: Int) throws(WorkbookError) -> Int {
        guard row > previousRow, row <= CellReference.maximumRow else {
            throw invalid(row <= previousRow ? "row \(row) after row \(previousRow) (rows must rise)" : "a row after row \(CellReference.maximumRow)")
        }
        return row
    }

    private enum CellType {
        case sharedString, inlineString, formulaString, boolean, error, isoDate, number
    }

    /// Called right after `<c>`; reads through `</c>`. Nil for an empty cell.
    private func readCell(column: Int, row: Int) throws(WorkbookError) -> CellValue? {
        let cell = (column: column, row: row)
        let type: CellType
        switch try tokenizer.attribute("t") {
        case nil: type = .number
        case let t? where XMLTokenizer.equal(t, "n"): type = .number
        case let t? where XMLTokenizer.equal(t, "s"): type = .sharedString
        case let t? where XMLTokenizer.equal(t, "inlineStr"): type = .inlineString
        case let t? where XMLTokenizer.equal(t, "str"): type = .formulaString
        case let t? where XMLTokenizer.equal(t, "b"): type = .boolean
        case let t? where XMLTokenizer.equal(t, "e"): type = .error
        case let t? where XMLTokenizer.equal(t, "d"): type = .isoDate
        case let t?: throw invalid("the cell \(Self.name(cell)) has the unknown type \"\(XMLText.string(t))\"")
        }
        var style = 0
        if let s = try tokenizer.attribute("s") {
            guard let index = SharedStrings.integer(s) else { throw invalid("the cell \(Self.name(cell)) has the style \"\(XMLText.string(s))\"") }
            style = index
        }
        if !value.isEmpty { value.removeAll(keepingCapacity: true) }
        if !inlineText.isEmpty { inlineText.removeAll(keepingCapacity: true) }
        var hasValue = false
        var hasInline = false
        while true {
            switch try tokenizer.next() {
            case .start where tokenizer.isNamed("v"):
                hasValue = true
                try RichText.readText(tokenizer, into: &value)
            case .start where tokenizer.isNamed("is"):
                hasInline = true
                try RichText.read(tokenizer, into: &inlineText)
            case .start:
                try tokenizer.skipElement()
            case .text:
                continue
            case .end:
                return try cellValue(type: type, style: style, cell: cell, hasValue: hasValue, hasInline: hasInline)
            case .endOfDocument:
                throw tokenizer.malformed("the part ends inside a cell")
            }
        }
    }

    private static func name(_ cell: (column: Int, row: Int)) -> String {
        CellReference.name(column: cell.column, row: cell.row)
    }

    private func cellValue(type: CellType, style: Int, cell: (column: Int, row: Int), hasValue: Bool, hasInline: Bool) throws(WorkbookError) -> CellValue? {
        let name = { Self.name(cell) }
        if type == .inlineString {
            guard hasInline else { return nil }
            let text = try RichText.cellText(inlineText, tokenizer)
            return text.isEmpty ? nil : .text(text)
        }
        guard hasValue else { return nil }
        switch type {
        case .sharedString:
            guard let index = value.withUnsafeBytes({ SharedStrings.integer(Self.trimmed($0)) }) else {
                throw invalid("the cell \(name()) refers to the shared string \"\(String(decoding: value.prefix(40), as: UTF8.self))\"")
            }
            guard let text = sharedStrings.string(at: index) else {
                throw invalid("the cell \(name()) refers to shared string \(index), but there are \(sharedStrings.count)")
            }
            return text.isEmpty ? nil : .text(text)
        case .formulaString, .inlineString:
            let text = try RichText.cellText(value, tokenizer)
            return text.isEmpty ? nil : .text(text)
        case .boolean:
            switch value.withUnsafeBytes({ String(decoding: Self.trimmed($0), as: UTF8.self) }) {
            case "1", "true": return .bool(true)
            case "0", "false": return .bool(false)
            case "": return nil
            default: throw invalid("the cell \(name()) holds a boolean that is neither 0 nor 1")
            }
        case .error, .isoDate:
            let text = value.withUnsafeBytes { String(decoding: Self.trimmed($0).prefix(255), as: UTF8.self) }
            if text.isEmpty { return nil }
            return type == .error ? .error(text) : .isoDate(text)
        case .number:
            let literal = value.withUnsafeBytes { String(decoding: Self.trimmed($0), as: UTF8.self) }
            if literal.isEmpty { return nil }
            guard let number = Self.number(literal) else {
                throw invalid("the cell \(name()) holds \"\(literal.prefix(40))\", which is not a number")
            }
            if styles.isDate(style: style) { return .date(serial: number) }
            lastMinimumDigits = styles.minimumDigits(style: style)
            return .number(number, literal: literal)
        }
    }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end && XMLTokenizer.isWhitespace(bytes[start]) { start += 1 }
        while end > start && XMLTokenizer.isWhitespace(bytes[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// A finite number written as XML Schema's `xsd:double` lexical form without INF and
    /// NaN: `-?digits[.digits][(e|E)[+-]digits]` (also `.5` and `5.`), at most 64 bytes.
    static func number(_ literal: String) -> Double? {
        var bytes = literal
        guard bytes.withUTF8({ isNumberSyntax(UnsafeRawBufferPointer($0)) }), let value = Double(literal), value.isFinite else { return nil }
        return value
    }

    private static func isNumberSyntax(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        var index = 0
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        func digits() -> Int {
            let from = index
            while index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") { index += 1 }
            return index - from
        }
        var mantissaDigits = digits()
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return false }
        if index < bytes.count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }
}
