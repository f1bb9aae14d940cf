#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChungTayCoding
public import Foundation
public import ChungTayRules
import ChungTayStore
import ChungTayWire

/// The printable documents of `chungtay notifications print --batch B --out DIR`, read
/// from the result store as `BatchExport` reads it (`SegmentReader`, safe beside a
/// running dispatcher):
///
/// - `DIR/groups/GROUP.html`: per savings group the consolidated list of RULES.md
///   section 3 for the transaction day (the batch's as-of date), from the same
///   `GroupListSource` as the export's `savings-groups/` files (`PrintedGroupList`).
/// - `DIR/letters/COMMUNE-ROLE.html`: per recipient with channel `letter` (role and id,
///   the id being the commune's current name, `(unknown)` when null; `ROLE.html` for
///   `transaction_office`, whose id is its role) a letter listing its notifications in
///   store order (`CommuneLetter`).
/// - `DIR/group-lists.html` and `DIR/letters.html`: all of them in one file each, one
///   sheet per page, for printing in one go.
///
/// Notifications the journal's outbox marks suppressed (RULES.md section 3: a `dedupKey`
/// already emitted) are left out of the letters; the group lists, made from the reviews
/// and loans, list every borrower due or overdue and every candidate whatever earlier
/// batches emitted, since the list is the one the group leader carries this month.
///
/// The HTML is written here; the PDFs beside each file come from the CLI, which runs a
/// browser (`Summary.documents` names each HTML file and its PDF). Files are 0600 in
/// 0700 directories (`PrivateFiles`). DIR must be missing, empty, or an earlier print
/// (marked by `.chungtay-print`), whose documents are deleted before the new ones are
/// written: a print is made again from the store, not kept as a record.
///
/// Memory: the export's compact record per household (`GroupListSource`), a loan id →
/// household code entry per loan (to name a loan's household in a letter), and the
/// rendered sheets until the combined files are written (a few KB a group or letter).
public struct NotificationPrint: Sendable {
    static let marker = ".chungtay-print"
    static let entries = ["groups", "letters", "group-lists.html", "group-lists.pdf", "letters.html", "letters.pdf"]

    /// An HTML file written and the PDF that belongs beside it.
    public struct Document: Sendable, Equatable {
        public let html: URL
        public let pdf: URL
    }

    /// What a print wrote.
    public struct Summary: Sendable, Equatable {
        /// Savings-group lists (one file each under `groups/`).
        public var groups = 0
        /// Letters (one file each under `letters/`).
        public var letters = 0
        /// Notification documents of the batch printed (in a letter, or covered by a group list).
        public var notifications = 0
        /// Notification documents left out because the outbox marks them suppressed (a
        /// repeat of one already emitted, never delivered twice).
        public var suppressed = 0
        /// The outbox ids of the printed notifications that have a `letter` or
        /// `group_list` recipient: the print delivers those recipients.
        public var outboxIds: [Int64] = []
        /// The HTML files written, the two combined files last.
        public var documents: [Document] = []
    }

    public let dataDirectory: URL
    public let batchId: String
    private let rules: RuleBook?

    /// `rules`: an office's own rule files, the ones the batch was reviewed with (they
    /// decide which statuses make a supplement candidate); nil for the shipped rules.
    public init(dataDirectory: URL, batchId: String, rules: RuleBook? = nil) {
        self.dataDirectory = dataDirectory
        self.batchId = batchId
        self.rules = rules
    }

    /// Makes the entries of files added to a print's directory since `write(to:)` durable
    /// (the PDFs made from its documents), before their recipients are recorded as delivered.
    public static func syncDirectories(of directory: URL) throws {
        try PrivateFiles.syncDirectories(under: directory.path)
    }

    /// Writes the HTML documents into `directory` (created if missing).
    public func write(to directory: URL) throws -> Summary {
        let rules = try self.rules ?? RuleBook.bundled()
        let store = try SegmentReader(resultsOf: DataDirectory(root: dataDirectory))
        let reader = BatchDocumentReader(store: store, batchId: batchId)
        var tally = BatchDocumentReader.Tally()
        let source = GroupListSource()
        try reader.forEachDocument(kind: TaskKind.householdReview.rawValue, tally: &tally) { document, _, _ in
            source.noteAsOf(document)
            source.addReview(ReviewNotice(document: document))
        }
        /// Loan id → household code, to name the household a loan's letter row is about.
        var loanHouseholds: [String: String] = [:]
        try reader.forEachDocument(kind: TaskKind.loanStatus.rawValue, tally: &tally) { document, _, _ in
            source.noteAsOf(document)
            var notice = LoanNotice(document: document)
            notice.errorCodes = []
            if let loanId = notice.loanId, let code = notice.householdCode { loanHouseholds[loanId] = code }
            source.addLoan(notice, document: document)
        }

        let deliveries = try NotificationDeliveries(dataDirectory: DataDirectory(root: dataDirectory), batchId: batchId)
        let output = directory.standardizedFileURL.path
        try Self.prepare(output)
        var summary = Summary()
        var letterIndex: [LetterKey: Int] = [:]
        var letterRows: [(key: LetterKey, rows: [CommuneLetter.Row])] = []
        try reader.forEachDocument(kind: TaskKind.notifyEmit.rawValue, tally: &tally) { document, _, location in
            // A notification stored before the outbox existed has no entry, and is printed.
            let entry = deliveries.delivery(file: location.file, offset: location.offset)?.entry
            if entry?.suppressedBy != nil {
                summary.suppressed += 1
                return
            }
            summary.notifications += 1
            source.noteAsOf(document)
            guard case .array(let recipients)? = document["recipients"] else { return }
            let printedChannels = recipients.contains { recipient in
                guard case .object(let fields) = recipient, let channel = Cells.text(fields["channel"]) else { return false }
                return channel == "letter" || channel == "group_list"
            }
            if let entry, printedChannels { summary.outboxIds.append(entry.id) }
            let subject = Cells.text(document["subject"])
            let household = source.household(code: subject) ?? source.household(code: subject.flatMap { loanHouseholds[$0] })
            let row = CommuneLetter.Row(
                subject: subject, headName: household.flatMap { source.households[$0].headName },
                message: Cells.text(document["message_vi"]))
            for case .object(let recipient) in recipients where Cells.text(recipient["channel"]) == "letter" {
                guard let role = Cells.text(recipient["role"]) else { continue }
                let key = LetterKey(role: role, id: Cells.text(recipient["id"]))
                if let index = letterIndex[key] {
                    letterRows[index].rows.append(row)
                } else {
                    letterIndex[key] = letterRows.count
                    letterRows.append((key, [row]))
                }
            }
        }
        let asOf = source.asOf ?? GroupListSource.today()

        var groupSheets: [String] = []
        var names = FileNames()
        try source.forEachList(asOf: asOf, rules: rules) { list, _, commune in
            let printed = PrintedGroupList(list: list, commune: commune)
            if groupSheets.isEmpty { try PrivateFiles.makeDirectory(output + "/groups") }
            let path = output + "/groups/" + names.unique(list.savingsGroup ?? Exporter.noGroup) + ".html"
            try Self.write(PrintStyle.document(title: printed.title, orientation: .landscape, sheets: [printed.sheet]), to: path, into: &summary)
            groupSheets.append(printed.sheet)
            summary.groups += 1
        }

        var letterSheets: [String] = []
        names = FileNames()
        for (key, rows) in letterRows.sorted(by: { ($0.key.id ?? "", $0.key.role) < ($1.key.id ?? "", $1.key.role) }) {
            let letter = CommuneLetter(role: key.role, id: key.id, asOf: asOf, rows: rows)
            if letterSheets.isEmpty { try PrivateFiles.makeDirectory(output + "/letters") }
            let name = letter.id == letter.role
                ? letter.role : (letter.id ?? Exporter.unknownCommune) + "-" + letter.role
            let path = output + "/letters/" + names.unique(name) + ".html"
            try Self.write(PrintStyle.document(title: letter.title, orientation: .portrait, sheets: [letter.sheet]), to: path, into: &summary)
            letterSheets.append(letter.sheet)
            summary.letters += 1
        }

        if !groupSheets.isEmpty {
            let title = "Danh sách các Tổ TK&VV, phiên giao dịch ngày \(asOf.vietnameseDescription)"
            try Self.write(PrintStyle.document(title: title, orientation: .landscape, sheets: groupSheets), to: output + "/group-lists.html", into: &summary)
        }
        if !letterSheets.isEmpty {
            let title = "Thông báo gửi các cơ quan xã, ngày \(asOf.vietnameseDescription)"
            try Self.write(PrintStyle.document(title: title, orientation: .portrait, sheets: letterSheets), to: output + "/letters.html", into: &summary)
        }
        try PrivateFiles.syncDirectories(under: output)
        return summary
    }

    private struct LetterKey: Hashable {
        let role: String
        let id: String?
    }

    /// Checks DIR (missing, empty, or an earlier print), creates it, removes an earlier
    /// print's documents and marks it as a print.
    private static func prepare(_ output: String) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: output, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw BatchExportError.io(operation: "mkdir", path: output, errno: ENOTDIR) }
            let names = try manager.contentsOfDirectory(atPath: output)
            let foreign = names.contains { $0 != marker && !entries.contains($0) }
            if foreign || (!names.isEmpty && !names.contains(marker)) {
                throw BatchExportError.outputDirectoryNotEmpty(path: output)
            }
            for name in names where name != marker { try manager.removeItem(atPath: output + "/" + name) }
        } else {
            try manager.createDirectory(atPath: (output as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        try PrivateFiles.makeDirectory(output)
        // Its own entry durable too (`syncDirectories(under:)` syncs only what lies within it),
        // where the parent can be read (a drop directory may be write-only).
        let parent = (output as NSString).deletingLastPathComponent
        if access(parent, R_OK) == 0 { try PrivateFiles.syncDirectory(parent) }
        if !manager.fileExists(atPath: output + "/" + marker) {
            let file = try OutputFile(path: output + "/" + marker)
            try file.close()
        }
    }

    private static func write(_ html: String, to path: String, into summary: inout Summary) throws {
        let file = try OutputFile(path: path)
        try file.write(Array(html.utf8))
        try file.close()
        let url = URL(fileURLWithPath: path)
        summary.documents.append(Document(html: url, pdf: url.deletingPathExtension().appendingPathExtension("pdf")))
    }
}
