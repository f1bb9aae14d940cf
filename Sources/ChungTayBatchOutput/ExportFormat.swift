/// What `batch export` writes: CSV for machines (scripts, services, `scripts/same-output`),
/// workbooks for the people who open the lists in Excel. The two hold the same rows in the
/// same order (docs/BATCH.md "Export").
public enum ExportFormat: String, Sendable, CaseIterable {
    /// `communes/COMMUNE/households.csv` and `loans.csv`, `savings-groups/GROUP.csv`,
    /// `notifications.csv`: UTF-8 with a byte order mark, CRLF, RFC 4180.
    case csv
    /// `communes/COMMUNE.xlsx`, `savings-groups/GROUP.xlsx`, `notifications.xlsx`.
    case xlsx

    /// The default for a run: workbooks when a person runs it (standard output is a
    /// terminal), CSV for scripts and services, whose output is piped or logged.
    public static func `default`(standardOutputIsTerminal: Bool) -> ExportFormat {
        standardOutputIsTerminal ? .xlsx : .csv
    }
}
