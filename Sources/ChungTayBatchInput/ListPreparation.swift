/// Turns the list a person gives `batch submit` into what pass 1 reads (docs/BATCH.md
/// "Office lists"): a machine file (a UTF-8 comma-separated `.csv` headed by SCHEMA.md
/// field names, or JSON Lines) as it is, with no extra pass; anything else, an office's
/// `;` or tab CSV, a header of Vietnamese titles, a legacy encoding or UTF-16, or an
/// `.xlsx` workbook, converted to a spool of JSON Lines in a private directory, with a
/// statement of what was detected. A file that cannot be read as any of these is refused
/// here, before a batch is opened.
public enum ListPreparation {
    /// - Parameters:
    ///   - list: which list the file holds (its columns and the header's key column).
    ///   - sheet: the workbook sheet (`--sheet`); nil for the first visible one whose header row is found.
    ///   - locale: how numbers (and day-first dates) in text are read (`--locale`); nil to detect.
    ///   - encoding: the encoding of delimited text (`--encoding`); nil to detect.
    ///   - maximumRecordBytes: as `ListIndex`'s, which reads the spool.
    public static func prepare(
        path: String, list: ListKind, sheet: String? = nil, locale: NumberLocale? = nil, encoding: TextEncodingChoice? = nil,
        maximumRecordBytes: Int = 1 << 20
    ) throws(BatchInputError) -> PreparedList {
        switch ListFileType(path: path) {
        case nil:
            throw .unknownFormat(path: path)
        case .jsonLines?:
            if sheet != nil { throw .optionNotApplicable(path: path, message: "--sheet applies to .xlsx workbooks only") }
            return PreparedList(source: ListSource(path: path), statement: nil, spool: nil)
        case .delimitedText(let isCSV)?:
            if sheet != nil { throw .optionNotApplicable(path: path, message: "--sheet applies to .xlsx workbooks only") }
            return try TextListPreparation(
                path: path, list: list, locale: locale, encoding: encoding, machineFileAllowed: isCSV,
                maximumRecordBytes: maximumRecordBytes
            ).prepare()
        case .workbook?:
            return try WorkbookListPreparation(
                path: path, list: list, sheet: sheet, locale: locale, maximumRecordBytes: maximumRecordBytes
            ).prepare()
        }
    }
}

/// What `batch submit` accepts, by the file's extension (case-insensitive).
public enum ListFileType: Sendable, Equatable {
    /// `.csv` (`isCSV`), `.tsv` or `.txt`.
    case delimitedText(isCSV: Bool)
    /// `.jsonl`, `.ndjson`, `.json`.
    case jsonLines
    /// `.xlsx`.
    case workbook

    public init?(path: String) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "csv": self = .delimitedText(isCSV: true)
        case "tsv", "txt": self = .delimitedText(isCSV: false)
        case "jsonl", "ndjson", "json": self = .jsonLines
        case "xlsx": self = .workbook
        default: return nil
        }
    }
}
