public import Foundation
public import ChungTayRules
import ChungTayStore

/// The outputs of `chungtay batch export ID --out DIR`, written from what the data
/// directory's result store has committed (`SegmentReader`; a running dispatcher is
/// neither disturbed nor read past its journal's committed ends). As CSV (`format` `.csv`,
/// below); as workbooks (`.xlsx`) the same rows go to `communes/COMMUNE.xlsx` (sheets
/// `Hộ gia đình` and `Khoản vay`), `savings-groups/GROUP.xlsx` (the list as the group
/// leader carries it) and `notifications.xlsx` (docs/BATCH.md "Export" says where each
/// column lands):
///
/// - `DIR/communes/COMMUNE/households.csv`: the batch's reviews of households of that
///   commune (its current name; no commune: `(unknown)`), by village, then head's name,
///   then household code (see `SortKey` for the collation).
/// - `DIR/communes/COMMUNE/loans.csv`: the loan statuses of those households, in the
///   same order then by loan id; loans whose household is not in the batch under
///   `(not in list)`.
/// - `DIR/savings-groups/GROUP.csv` and `.json`: the consolidated list of RULES.md
///   section 3 per savings group (households without a group: `(no group)`), made by the
///   rules module's `savingsGroupLists`; the `.json` is `SavingsGroupList.jsonBytes`.
/// - `DIR/notifications.csv`: the batch's notifications, in store order.
/// - `DIR/summary.json`: the batch summary document, when the batch is complete (the
///   last one stored for the batch).
///
/// CSV files are UTF-8 with a byte order mark, CRLF, RFC 4180 quoting (see `CSV`).
/// Everything is created with mode 0600 (directories 0700): the files hold personal data.
///
/// The export is built in a staging directory inside DIR and moved into place at the
/// end, replacing the entries of an earlier export to the same DIR, so no file of an
/// earlier batch or run is left beside the new ones. DIR must be missing, empty, or an
/// earlier export (marked by a `.chungtay-export` file); anything else is refused rather
/// than overwritten.
///
/// Memory: per household a compact record (code, head's name, and interned commune,
/// village, group, association, status and priority score: about 130 bytes with the
/// name's storage) and its entry in the household-code index; while a kind is read, the
/// set of its task ids (to skip copies); the batch's due and overdue loans; and, while
/// a commune's file is sorted, that commune's rendered rows with their sort keys (about
/// 450 bytes a household). Rows are otherwise spilled to files as they are read (at
/// most 8 MiB buffered). Measured (release build, generated Tánh Linh-like data, 14
/// communes): 200,000 households take 86 MB peak and 18 s; 1,000,000 households with
/// 600,000 loans and 600,000 notifications take 309 MB peak and 90 s, about 280 bytes
/// a household. A batch whose households are nearly all in one commune adds that
/// commune's rows (about 450 MB for 1,000,000).
public struct BatchExport: Sendable {
    /// What an export wrote.
    public struct Summary: Sendable, Equatable {
        /// Review documents of the batch.
        public var households: Int
        /// Loan-status documents of the batch.
        public var loans: Int
        /// Notification documents of the batch.
        public var notifications: Int
        /// Directories under `communes/` (`(unknown)` and `(not in list)` included).
        public var communes: Int
        /// Savings-group lists written (each as `.csv` or `.xlsx`, and `.json`).
        public var groups: Int
        /// Output files written (CSV or workbooks, and JSON, the summary included).
        public var filesWritten: Int
        /// Whether the batch summary document was found (the batch is complete).
        public var batchSummaryFound: Bool
        /// Lines of the batch in the store that are not JSON objects (skipped).
        public var unreadableLines: Int

        public init(
            households: Int = 0, loans: Int = 0, notifications: Int = 0, communes: Int = 0, groups: Int = 0,
            filesWritten: Int = 0, batchSummaryFound: Bool = false, unreadableLines: Int = 0
        ) {
            self.households = households
            self.loans = loans
            self.notifications = notifications
            self.communes = communes
            self.groups = groups
            self.filesWritten = filesWritten
            self.batchSummaryFound = batchSummaryFound
            self.unreadableLines = unreadableLines
        }
    }

    public let dataDirectory: URL
    public let batchId: String
    /// CSV unless set: the files scripts and `scripts/same-output` compare.
    public var format = ExportFormat.csv
    private let rules: RuleBook?
    /// Bytes of rendered rows kept in memory before they are spilled (tests lower it).
    var spillLimit = SpillSet.defaultLimit

    /// Exports with the shipped rules (they decide which statuses make a supplement
    /// candidate).
    public init(dataDirectory: URL, batchId: String) {
        self.dataDirectory = dataDirectory
        self.batchId = batchId
        self.rules = nil
    }

    /// Exports with an office's own rule files, the ones the batch was reviewed with.
    public init(dataDirectory: URL, batchId: String, rules: RuleBook) {
        self.dataDirectory = dataDirectory
        self.batchId = batchId
        self.rules = rules
    }

    /// Writes the export into `directory` (created if missing).
    public func write(to directory: URL) throws -> Summary {
        let rules = try self.rules ?? RuleBook.bundled()
        let data = DataDirectory(root: dataDirectory)
        let store = try SegmentReader(resultsOf: data)
        let exporter = Exporter(
            reader: BatchDocumentReader(store: store, batchId: batchId),
            deliveries: try NotificationDeliveries(dataDirectory: data, batchId: batchId), rules: rules, spillLimit: spillLimit,
            format: format)
        switch format {
        case .csv: return try exporter.run(into: directory)
        case .xlsx: return try XLSXWorkbook.withCNumbers { try exporter.run(into: directory) }
        }
    }
}

/// Why an export failed.
public enum BatchExportError: Error, Equatable, CustomStringConvertible {
    /// The output directory holds files that are not an earlier export.
    case outputDirectoryNotEmpty(path: String)
    case io(operation: String, path: String, errno: Int32)
    /// libxlsxwriter refused something while writing a workbook.
    case workbook(path: String, message: String)

    public var description: String {
        switch self {
        case .outputDirectoryNotEmpty(let path):
            return "\(path) is not empty and holds no earlier export; choose an empty or new directory"
        case .io(let operation, let path, let code):
            return "\(operation) \(path): \(String(cString: strerror(code)))"
        case .workbook(let path, let message):
            return "\(path): \(message)"
        }
    }
}
