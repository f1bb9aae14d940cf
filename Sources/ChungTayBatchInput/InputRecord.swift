public import ChungTayCoding
import ChungTayWorkbook
import Foundation

/// Why one line of an input file could not be read as a record.
public struct InputError: Sendable, Equatable {
    /// 1-based, where reading went wrong: for CSV the cell number (a wrong cell count
    /// points at the first extra or first missing cell), for JSON Lines the byte column
    /// (byte offset in the line + 1). Always given: the stage payload requires it.
    public var column: Int
    /// CSV: the header's name for that column, when the column is within the header.
    public var field: String?
    public var message: String

    public init(column: Int, field: String? = nil, message: String) {
        self.column = column
        self.field = field
        self.message = message
    }

    /// `{"column", ("field"), "message"}`, as an item's `inputError` and a spool's reserved
    /// member carry it.
    func write(into writer: inout JSONWriter) {
        writer.openObject()
        writer.key("column")
        writer.integer(column)
        if let field {
            writer.key("field")
            writer.string(field)
        }
        writer.key("message")
        writer.string(message)
        writer.closeObject()
    }
}

/// One record of an input file, with where it came from (docs/BATCH.md "item").
public struct InputRecord: Sendable, Equatable {
    /// The file's last path component, as items name it.
    public var file: String
    /// The workbook sheet the record comes from; nil for a text file.
    public var sheet: String?
    /// The 1-based physical line where the record starts (a CSV header is line 1); a
    /// sheet's row number.
    public var line: Int
    /// The byte offset in the file where the record starts; `RecordReader.record(at:line:)`
    /// reads the record again from there.
    public var offset: Int
    /// The fields as read: CSV cells as text (empty cells left out, unknown columns kept),
    /// JSON Lines values as given. `{}` or partial when `inputError` is set.
    public var record: JSONObject
    public var inputError: InputError?

    public init(file: String, sheet: String? = nil, line: Int, offset: Int, record: JSONObject, inputError: InputError? = nil) {
        self.file = file
        self.sheet = sheet
        self.line = line
        self.offset = offset
        self.record = record
        self.inputError = inputError
    }

    /// `file:line:column: message`, or for a sheet `file:sheet!D17: message` (the cell as
    /// Excel names it), for people; nil without an input error.
    public var errorDescription: String? {
        inputError.map { Self.describe($0, file: file, sheet: sheet, line: line) }
    }

    static func describe(_ error: InputError, file: String, sheet: String?, line: Int) -> String {
        guard let sheet else { return "\(file):\(line):\(error.column): \(error.message)" }
        return "\(file):\(sheet)!\(CellReference.name(column: error.column, row: line)): \(error.message)"
    }
}

/// How `RecordReader` reads a file, chosen by its extension (machine files; office files
/// go through `ListPreparation` first).
public enum InputFormat: Sendable, Equatable {
    /// `.csv`: UTF-8 (a BOM is skipped), comma-separated, header row, RFC 4180 quoting.
    case csv
    /// `.jsonl`, `.ndjson`, `.json`: one JSON object per line, blank lines skipped.
    case jsonLines

    /// The format for a path's extension (case-insensitive); nil for any other.
    public init?(path: String) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "jsonl", "ndjson", "json": self = .jsonLines
        default: return nil
        }
    }
}

/// Why an input file cannot be read at all (a bad line is an `InputError`, not this).
public enum BatchInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The extension is none of `.csv`, `.jsonl`, `.ndjson`, `.json`.
    case unknownFormat(path: String)
    case cannotOpen(path: String, errno: Int32)
    case readFailed(path: String, errno: Int32)
    /// A CSV header row that cannot be read (broken quoting, invalid UTF-8, too long):
    /// without it no row can be named, so the file is refused.
    case unreadableHeader(path: String, message: String)
    /// The file's size or modification time differs from what pass 1 saw.
    case fileChanged(path: String)
    /// More than 4,294,967,294 records or lines: past what the index stores.
    case tooLarge(path: String)
    /// `RecordReader.record(at:line:)` found no record at that offset.
    case noRecord(path: String, offset: Int)
    /// A chunk's payload would pass `ChunkPlanner.maximumPayloadBytes`: at the household on
    /// `line` of `path` (its loans with the chunk's others), or in a loan-only chunk at the loan.
    case chunkTooLarge(path: String, line: Int, limit: Int)

    // Office lists (`ListPreparation`): refused before a batch is opened.

    /// Neither UTF-8 nor an encoding `TextEncodingDetector` recognises; `found` says what
    /// came closest.
    case unrecognisedEncoding(path: String, found: String)
    /// A file read as UTF-8 (its first MiB was) with invalid UTF-8 on `line`.
    case notUTF8(path: String, line: Int)
    /// No row naming the list's key column where one was looked for, or a delimiter that
    /// cannot be told from the header line; `message` says what was found.
    case noHeaderRow(path: String, message: String)
    /// Numbers written both ways: `vi` (`40,8`, `4.965.000`) and `en` (`40.8`, `4,965,000`).
    case mixedNumberLocales(path: String, vi: String, en: String)
    /// `--sheet` names no sheet of the workbook.
    case noSuchSheet(path: String, sheet: String, sheets: [String])
    /// The workbook cannot be read (`WorkbookError`'s description).
    case unreadableWorkbook(path: String, message: String)
    /// An option that does not apply to the file (`--sheet` for a text file).
    case optionNotApplicable(path: String, message: String)
    /// The converted copy of an office list could not be written.
    case cannotWriteSpool(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .unknownFormat(let path):
            return "\(path): unknown input format (expected .csv, .tsv, .txt, .jsonl, .ndjson, .json or .xlsx)"
        case .cannotOpen(let path, let code):
            return "\(path): cannot open (\(String(cString: strerror(code))))"
        case .readFailed(let path, let code):
            return "\(path): read failed (\(String(cString: strerror(code))))"
        case .unreadableHeader(let path, let message):
            return "\(path):1: unreadable header row: \(message)"
        case .fileChanged(let path):
            return "\(path): the file changed while the batch was being read"
        case .tooLarge(let path):
            return "\(path): too many records or lines"
        case .noRecord(let path, let offset):
            return "\(path): no record at byte \(offset)"
        case .chunkTooLarge(let path, let line, let limit):
            return "\(path):\(line): this record and its chunk (with a household's loans) make a job of more than \(limit) bytes"
        case .unrecognisedEncoding(let path, let found):
            return "\(path): \(found); convert it to UTF-8 or give --encoding windows-1258|tcvn3|vni"
        case .notUTF8(let path, let line):
            return "\(path):\(line): invalid UTF-8, though the file began as UTF-8; convert it to UTF-8 "
                + "or give --encoding windows-1258|tcvn3|vni"
        case .noHeaderRow(let path, let message):
            return "\(path): \(message)"
        case .mixedNumberLocales(let path, let vi, let en):
            return "\(path): numbers are written both the Vietnamese way (\(vi)) and the English way (\(en)); "
                + "give --locale vi or --locale en"
        case .noSuchSheet(let path, let sheet, let sheets):
            return "\(path): no sheet named \"\(sheet)\" (the workbook has "
                + sheets.map { "\"\($0)\"" }.joined(separator: ", ") + ")"
        case .unreadableWorkbook(let path, let message):
            return "\(path): cannot read the workbook: \(message)"
        case .optionNotApplicable(let path, let message):
            return "\(path): \(message)"
        case .cannotWriteSpool(let path, let code):
            return "\(path): cannot write the converted list (\(String(cString: strerror(code))))"
        }
    }
}
