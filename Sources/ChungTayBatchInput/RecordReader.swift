package import ChungTayCoding

/// Reads one input file record by record, in file order, holding only a window of it
/// (1 MiB by default, more only while one record is longer), and reads single records
/// back by their byte offset.
///
/// The format follows the extension (`InputFormat(path:)`):
///
/// - **CSV** (SCHEMA.md): UTF-8, a BOM skipped, a header row (line 1), RFC 4180 quoting
///   with commas, doubled quotes and line breaks inside quoted cells; line breaks are LF
///   or CRLF; empty lines are skipped. A record maps header name → cell text exactly as
///   written (not trimmed; in NFC like every `JSONValue` string), leaving out empty cells;
///   unknown columns are kept. A row with a different cell count than the header, broken
///   quoting, or invalid UTF-8 (that cell is left out) gets an `inputError` whose column
///   is the 1-based cell number: for a wrong count, the first extra or first missing cell.
///   A quoted cell that runs past its line and never closes properly ends its record at
///   that line, and reading resumes on the next physical line. A header that cannot be
///   read refuses the file (`BatchInputError.unreadableHeader`).
/// - **JSON Lines** (`.jsonl`, `.ndjson`, `.json`): one object per line; blank lines
///   skipped; a line that is not valid JSON (invalid UTF-8 included) or not an object
///   gets an `inputError` whose column is the byte offset of the problem in the line + 1,
///   and `record` `{}`.
///
/// - **A spool** (`init(source:)` of a `ListSource` from `ListPreparation`): JSON Lines
///   as above, whose items name the office file (and `sheet`), and whose last member
///   `ListSpool.errorKey`, when present, is the record's `inputError` rather than a field.
///
/// A record (or line) longer than `maximumRecordBytes` is not read: it gets an
/// `inputError` and reading goes on after it, so that memory stays bounded whatever
/// the input.
///
/// The CSV scanner is this module's own (`CSVScanner`), not yaslab/CSV.swift 2.5.2,
/// which was tried for this and cannot do what a batch needs: it exposes neither line
/// numbers nor byte offsets (no item could say where it came from, and pass 2 could not
/// read loans back by position); it reports nothing per row: broken quoting is taken
/// silently (an unclosed quote swallows the rest of the file into one cell), invalid
/// UTF-8 silently splits the row in two, and its one `error` property ends every clean
/// read as `cannotReadFile`, so an I/O error cannot be told from the end of the file.
/// It is also slow, decoding one Unicode scalar at a time through an `AnyIterator`:
/// on the 1,000,000-household demo list (30 columns) it took 33 s, 1.1 µs a cell, only
/// to split rows into strings, where this reader builds the records in 4.4 s (0.15 µs a
/// cell) and pass 1 reads the keys of that list and its 798,598 loans in 4 s.
public final class RecordReader {
    /// The path as given.
    public let path: String
    /// The file's last path component, as items name it (for a spool, the office file's).
    public let file: String
    /// The workbook sheet a spool's records come from, which items name after `file`.
    public let sheet: String?
    public let format: InputFormat
    /// CSV: the header's column names (in NFC); empty for JSON Lines or an empty file.
    public let header: [String]
    public let maximumRecordBytes: Int

    let input: InputFile
    /// The file name and the header's names written as JSON strings, for payloads.
    private let encodedFile: [UInt8]
    private let encodedKeys: [[UInt8]]
    private var stream: RecordCursor
    private var random: RecordCursor
    /// Where the first record after the header (and BOM) may start.
    let firstOffset: Int
    let firstLine: Int

    /// Opens a file; for CSV, reads its header row.
    ///
    /// - Parameters:
    ///   - format: nil chooses by the extension (`BatchInputError.unknownFormat` for others).
    ///   - maximumRecordBytes: a longer record or line is reported instead of read.
    ///   - bufferSize: bytes read at a time while streaming.
    public convenience init(
        path: String, format: InputFormat? = nil, maximumRecordBytes: Int = 1 << 20, bufferSize: Int = 1 << 20
    ) throws(BatchInputError) {
        guard let format = format ?? InputFormat(path: path) else { throw .unknownFormat(path: path) }
        try self.init(
            path: path, format: format, file: nil, sheet: nil, readsSpool: false, maximumRecordBytes: maximumRecordBytes,
            bufferSize: bufferSize)
    }

    /// Opens what a batch reads for one list: the file as given, or the spool
    /// `ListPreparation` wrote for an office file, whose items name the office file (and
    /// sheet) and whose error members become `inputError`s.
    public convenience init(source: ListSource, maximumRecordBytes: Int = 1 << 20, bufferSize: Int = 1 << 20) throws(BatchInputError) {
        if source.isSpool {
            try self.init(
                path: source.path, format: .jsonLines, file: source.file, sheet: source.sheet, readsSpool: true,
                maximumRecordBytes: maximumRecordBytes, bufferSize: bufferSize)
        } else {
            try self.init(path: source.path, maximumRecordBytes: maximumRecordBytes, bufferSize: bufferSize)
        }
    }

    /// - Parameters:
    ///   - file: the name items carry, nil for the file's own.
    ///   - delimiter: the CSV cell delimiter (`ListPreparation` reads an office's `;` and tab files).
    init(
        path: String, format: InputFormat, file: String?, sheet: String?, delimiter: UInt8 = UInt8(ascii: ","),
        readsSpool: Bool, maximumRecordBytes: Int, bufferSize: Int
    ) throws(BatchInputError) {
        self.path = path
        self.format = format
        self.sheet = sheet
        let maximumRecordBytes = max(maximumRecordBytes, 16)
        self.maximumRecordBytes = maximumRecordBytes
        let input = try InputFile(path: path)
        self.input = input
        let file = file ?? input.name
        self.file = file
        random = RecordCursor(capacity: 16 << 10, delimiter: delimiter, readsSpool: readsSpool)

        var cursor = RecordCursor(capacity: bufferSize, delimiter: delimiter, readsSpool: readsSpool)
        try cursor.seek(to: 0, line: 1, in: input)
        let buffer = cursor.window.buffer
        let bom = buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
        try cursor.seek(to: bom ? 3 : 0, line: 1, in: input)

        var header: [String] = []
        if format == .csv, try cursor.advance(in: input, format: .csv, headerCount: nil, maximumRecordBytes: maximumRecordBytes) {
            if let error = cursor.error {
                throw .unreadableHeader(path: path, message: "cell \(error.column): \(error.message)")
            }
            for column in cursor.scanner.cells.indices {
                header.append(cursor.cellText(column) ?? "")
            }
        }
        self.header = header
        var encodedFile: [UInt8] = []
        JSONWriter.appendQuoted(file, to: &encodedFile)
        self.encodedFile = encodedFile
        encodedKeys = header.map { name in
            var encoded: [UInt8] = []
            JSONWriter.appendQuoted(name, to: &encoded)
            return encoded
        }
        firstOffset = cursor.position
        firstLine = cursor.line
        stream = cursor
    }

    /// The next record in file order; nil at the end of the file.
    public func next() throws(BatchInputError) -> InputRecord? {
        guard try advance() else { return nil }
        return current
    }

    /// Reads the record starting at `offset` (an `InputRecord.offset` from this file),
    /// which starts on `line`, without moving the reader's place in the file.
    /// `BatchInputError.noRecord` when no record starts there.
    public func record(at offset: Int, line: Int) throws(BatchInputError) -> InputRecord {
        guard offset >= firstOffset, offset < input.size else { throw .noRecord(path: path, offset: offset) }
        try random.seek(to: offset, line: line, in: input)
        guard try random.advance(in: input, format: format, headerCount: headerCount, maximumRecordBytes: maximumRecordBytes)
        else { throw .noRecord(path: path, offset: offset) }
        return record(from: random)
    }

    // MARK: Internal, for the index and the planner

    var identity: FileIdentity { input.identity }

    private var headerCount: Int? { format == .csv ? header.count : nil }

    /// Makes the record at `offset` (starting on `line`) the next one.
    func seek(to offset: Int, line: Int) throws(BatchInputError) {
        try stream.seek(to: max(offset, firstOffset), line: line, in: input)
    }

    /// Reads the next record without building its object; false at the end.
    func advance() throws(BatchInputError) -> Bool {
        try stream.advance(in: input, format: format, headerCount: headerCount, maximumRecordBytes: maximumRecordBytes)
    }

    /// The record `advance()` read.
    var current: InputRecord { record(from: stream) }

    var currentOffset: Int { stream.offset }
    var currentLine: Int { stream.recordLine }
    var currentError: InputError? { stream.error }
    /// Whether invalid UTF-8 made a cell of the current CSV record unreadable.
    var currentHasInvalidUTF8: Bool { stream.invalidUTF8 }

    /// The current CSV record's cell count and cells (0-based) as text, in NFC; nil for
    /// an empty or unreadable cell.
    var currentCellCount: Int { stream.scanner.cells.count }
    func currentCell(_ column: Int) -> String? { stream.cellText(column) }

    /// How people find the current record's error: `file:line:column: message`, or for a
    /// sheet `file:sheet!D17: message`.
    var currentErrorDescription: String? {
        guard let error = stream.error else { return nil }
        return InputRecord.describe(error, file: file, sheet: sheet, line: stream.recordLine)
    }

    /// Where to find a field of the current record without building it: a CSV column
    /// number (the last column of that name, as `JSONObject` lets the last member win),
    /// or the name for JSON Lines.
    struct FieldLocator {
        fileprivate let name: String
        fileprivate let column: Int?
    }

    func locator(for name: String) -> FieldLocator {
        FieldLocator(name: name, column: format == .csv ? header.lastIndex(of: name) : nil)
    }

    /// A field of the current record as a key (trimmed, NFC, non-empty text), without
    /// building the record.
    func currentKey(_ locator: FieldLocator) -> String? {
        switch format {
        case .csv:
            guard let column = locator.column, let text = stream.cellText(column) else { return nil }
            let trimmed = UnicodeText.trimmed(text)
            return trimmed.isEmpty ? nil : trimmed
        case .jsonLines:
            return RecordKey.text(of: stream.object[locator.name])
        }
    }

    private func record(from cursor: borrowing RecordCursor) -> InputRecord {
        let object = format == .csv ? cursor.csvObject(header: header) : cursor.object
        return InputRecord(
            file: file, sheet: sheet, line: cursor.recordLine, offset: cursor.offset, record: object,
            inputError: namedError(cursor.error))
    }

    /// The error with its CSV column's name when the column is within the header.
    private func namedError(_ error: InputError?) -> InputError? {
        guard format == .csv, var error, error.column <= header.count else { return error }
        error.field = header[error.column - 1]
        return error
    }

    // MARK: Items straight into a payload

    /// Opens a list of items (docs/BATCH.md): a CSV file's as a table,
    /// `{"file","fields":[the header],"items":[`, whose rows give each field's name once per
    /// chunk instead of once per record; any other's as an array of items.
    package func openList(into writer: inout JSONWriter) {
        guard format == .csv else { return writer.openArray() }
        writer.openObject()
        writer.key("file")
        encodedFile.withUnsafeBufferPointer { writer.raw($0) }
        writer.key("fields")
        writer.openArray()
        for key in encodedKeys { key.withUnsafeBufferPointer { writer.raw($0) } }
        writer.closeArray()
        writer.key("items")
        writer.openArray()
    }

    /// Closes what `openList` opened.
    package func closeList(into writer: inout JSONWriter) {
        writer.closeArray()
        if format == .csv { writer.closeObject() }
    }

    /// Writes the current record as the list's next item, without building the record: a
    /// CSV record as a table row, `{"line","cells",("listFlags"),("inputError")}`, its cells
    /// copied (escaped) from the buffer; any other as an item,
    /// `{"file",("sheet"),"line","record",("listFlags"),("inputError")}`, a JSON line's
    /// object as given.
    package func writeCurrentItem(into writer: inout JSONWriter, listFlags: [String]) {
        writeItem(from: stream, into: &writer, listFlags: listFlags)
    }

    /// Writes the record at `offset` (starting on `line`) as the list's next item, as
    /// `writeCurrentItem` does.
    package func writeItem(at offset: Int, line: Int, into writer: inout JSONWriter, listFlags: [String]) throws(BatchInputError) {
        guard offset >= firstOffset, offset < input.size else { throw .noRecord(path: path, offset: offset) }
        try random.seek(to: offset, line: line, in: input)
        guard try random.advance(in: input, format: format, headerCount: headerCount, maximumRecordBytes: maximumRecordBytes)
        else { throw .noRecord(path: path, offset: offset) }
        writeItem(from: random, into: &writer, listFlags: listFlags)
    }

    private func writeItem(from cursor: borrowing RecordCursor, into writer: inout JSONWriter, listFlags: [String]) {
        writer.openObject()
        switch format {
        case .csv:
            writer.key("line")
            writer.integer(cursor.recordLine)
            writer.key("cells")
            cursor.writeCSVCells(into: &writer, count: header.count)
        case .jsonLines:
            writer.key("file")
            encodedFile.withUnsafeBufferPointer { writer.raw($0) }
            if let sheet {
                writer.key("sheet")
                writer.string(sheet)
            }
            writer.key("line")
            writer.integer(cursor.recordLine)
            writer.key("record")
            cursor.writeJSONObject(into: &writer)
        }
        if !listFlags.isEmpty {
            writer.key("listFlags")
            writer.strings(listFlags)
        }
        if let error = namedError(cursor.error) {
            writer.key("inputError")
            error.write(into: &writer)
        }
        writer.closeObject()
    }
}
