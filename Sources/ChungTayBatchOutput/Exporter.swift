#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChungTayCoding
import Foundation
import ChungTayRules
import ChungTayStore
import ChungTayWire

/// One export run: reads the stores kind by kind and writes a whole new export into a
/// staging directory beside DIR, then swaps it for DIR in one rename. An earlier export
/// stays whole until the new one is complete and durable; a failure or a crash at any
/// point leaves DIR as it was (or, after the swap, the new export).
///
/// Every table is made as rows of fields (the CSV's texts); the format decides only how a
/// row is written: as a CSV line, or as workbook cells typed by their column (`WorkbookCell`).
final class Exporter {
    static let marker = ".chungtay-export"
    /// `PARENT/.NAME.chungtay-export-staging-PID`, beside DIR (the same filesystem, so the swap is a rename).
    static let stagingInfix = ".chungtay-export-staging-"
    /// The entries of DIR an export owns, replaced as a whole.
    static let entries = ["communes", "savings-groups", "notifications.csv", "notifications.xlsx", "summary.json"]

    static let unknownCommune = "(unknown)"
    static let notInList = "(not in list)"
    static let noGroup = "(no group)"

    static let householdColumns = ExportColumn.households.map(\.name)
    static let loanColumns = ExportColumn.loans.map(\.name)
    static let groupColumns = [
        "section", "village", "headName", "householdCode", "loanId", "nextDueOn", "nextDueAmount",
        "overduePrincipal", "daysOverdue", "interestDue", "overdueSurcharge", "current", "priorityScore",
    ]
    static let notificationColumns = ExportColumn.notifications.map(\.name)

    /// The commune workbook's sheets and the notifications' (docs/BATCH.md "Export").
    static let householdSheet = "Hộ gia đình"
    static let loanSheet = "Khoản vay"
    static let notificationSheet = "Thông báo"

    /// One directory under `communes/`.
    final class Commune {
        let name: String
        /// Sorts after real communes: `(unknown)` and `(not in list)`.
        let isPseudo: Bool
        let households: SpillSet.Spill?
        let loans: SpillSet.Spill

        init(name: String, isPseudo: Bool, households: SpillSet.Spill?, loans: SpillSet.Spill) {
            self.name = name
            self.isPseudo = isPseudo
            self.households = households
            self.loans = loans
        }
    }

    private let reader: BatchDocumentReader
    private let rules: RuleBook
    private let format: ExportFormat
    private let source = GroupListSource()
    private var collation = SortKey()
    private var communes: [Commune] = []
    private var communeByName: [UInt32: Int] = [:]
    private var notInListCommune: Int?
    /// The batch summary's as-of date, for lists of a batch whose other documents give none.
    private var batchSummaryAsOf: CivilDate?
    private var tally = BatchDocumentReader.Tally()
    private var summary = BatchExport.Summary()
    private let spills: SpillSet
    private var staging = ""
    private var spillDirectory = ""

    /// Each notification's delivery state, for `notifications.csv`.
    private let deliveries: NotificationDeliveries

    init(reader: BatchDocumentReader, deliveries: NotificationDeliveries, rules: RuleBook, spillLimit: Int, format: ExportFormat) {
        self.reader = reader
        self.deliveries = deliveries
        self.rules = rules
        self.format = format
        spills = SpillSet(limit: spillLimit)
    }

    func run(into directory: URL) throws -> BatchExport.Summary {
        let output = directory.standardizedFileURL.path
        try prepare(output)
        do {
            try readReviews()
            try readLoans()
            try writeNotifications()
            try writeBatchSummary()
            try writeCommunes()
            try writeGroups()
            try spills.flushAll()
            try FileManager.default.removeItem(atPath: spillDirectory)
            try install(into: output)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        summary.unreadableLines = tally.unreadableLines
        return summary
    }

    // MARK: - Output directory

    /// Checks DIR (missing, empty, or an earlier export and nothing else: the swap
    /// replaces all of it), and creates the staging directory beside it.
    private func prepare(_ output: String) throws {
        let manager = FileManager.default
        let parent = (output as NSString).deletingLastPathComponent
        let name = (output as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: output, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw BatchExportError.io(operation: "mkdir", path: output, errno: ENOTDIR) }
            let names = try manager.contentsOfDirectory(atPath: output)
            let foreign = names.contains { !$0.hasPrefix(Self.marker) && !Self.entries.contains($0) }
            if foreign || (!names.isEmpty && !names.contains(Self.marker)) {
                throw BatchExportError.outputDirectoryNotEmpty(path: output)
            }
        } else if !parent.isEmpty {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        let stagingPrefix = "." + name + Self.stagingInfix
        for entry in (try? manager.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(stagingPrefix) {
            // A staging directory left by a run that died (its process is gone).
            if let pid = Int32(entry.dropFirst(stagingPrefix.count)), kill(pid, 0) != 0, errno == ESRCH {
                try? manager.removeItem(atPath: parent + "/" + entry)
            }
        }
        staging = parent + "/" + stagingPrefix + String(getpid())
        try? manager.removeItem(atPath: staging)
        try PrivateFiles.makeDirectory(staging)
        spillDirectory = staging + "/spill"
        try PrivateFiles.makeDirectory(spillDirectory)
    }

    /// Makes the staged export durable (every file was fsynced as it was closed; now every
    /// directory), then swaps it for DIR and fsyncs the parent, so after a crash DIR is
    /// either the earlier export or the new one, never a mix. The earlier export, now at the
    /// staging path, is deleted last.
    private func install(into output: String) throws {
        let marker = try OutputFile(path: staging + "/" + Self.marker)
        try marker.write(Array("batch \(reader.batchId)\n".utf8))
        try marker.close()
        try PrivateFiles.syncDirectories(under: staging)
        let replaced = try PrivateFiles.swap(staging, into: output)
        try PrivateFiles.syncDirectory((output as NSString).deletingLastPathComponent)
        if replaced { try? FileManager.default.removeItem(atPath: staging) }
    }

    // MARK: - Reviews

    private func readReviews() throws {
        try reader.forEachDocument(kind: TaskKind.householdReview.rawValue, tally: &tally) { document, _, _ in
            summary.households += 1
            source.noteAsOf(document)
            let notice = ReviewNotice(document: document)
            let index = source.addReview(notice)
            let commune = communeIndex(source.households[index].commune)

            var row: [String?] = []
            row.reserveCapacity(Self.householdColumns.count)
            for column in ["householdCode", "headName", "village", "savingsGroup", "association", "standard"] {
                row.append(Cells.text(document[column]))
            }
            for column in ["incomePerCapita", "povertyLine", "deprivationCount", "deprivations", "classification"] {
                row.append(Cells.text(document[column]))
            }
            for column in ["previous", "current", "change", "escapedOn", "priorityScore", "eligiblePrograms"] {
                row.append(Cells.text(document[column]))
            }
            row.append(Cells.flagCodes(document["flags"]))
            let origin = Cells.source(document)
            row.append(origin.file)
            row.append(origin.line)
            let key = collation.make(village: notice.village, name: notice.headName, then: [notice.householdCode])
            try spills.append(spilled(row), key: key, to: communes[commune].households!)
        }
    }

    /// The commune directory of a commune name (0: no commune).
    private func communeIndex(_ communeId: UInt32) -> Int {
        if let index = communeByName[communeId] { return index }
        let index = communes.count
        let name = source.strings.string(communeId) ?? Self.unknownCommune
        communes.append(
            Commune(
                name: name, isPseudo: communeId == 0,
                households: spills.make(path: spillDirectory + "/h\(index)"),
                loans: spills.make(path: spillDirectory + "/l\(index)")
            )
        )
        communeByName[communeId] = index
        return index
    }

    // MARK: - Loans

    private func readLoans() throws {
        try reader.forEachDocument(kind: TaskKind.loanStatus.rawValue, tally: &tally) { document, _, _ in
            summary.loans += 1
            source.noteAsOf(document)
            var notice = LoanNotice(document: document)
            notice.errorCodes = []
            let household = source.household(code: notice.householdCode)
            let commune: Int
            if let household {
                commune = communeIndex(source.households[household].commune)
            } else if let notInListCommune {
                commune = notInListCommune
            } else {
                commune = communes.count
                communes.append(
                    Commune(name: Self.notInList, isPseudo: true, households: nil, loans: spills.make(path: spillDirectory + "/l\(commune)"))
                )
                notInListCommune = commune
            }
            let headName = household.flatMap { source.households[$0].headName }
            let village = household.flatMap { source.village(of: $0) }

            var row: [String?] = []
            row.reserveCapacity(Self.loanColumns.count)
            row.append(Cells.text(document["loanId"]))
            row.append(Cells.text(document["householdCode"]))
            row.append(headName)
            row.append(village)
            for column in ["program", "status", "outstanding", "overduePrincipal", "daysOverdue", "overdueBucket"] {
                row.append(Cells.text(document[column]))
            }
            for column in ["nextDueOn", "nextDueAmount", "interestDue", "overdueSurcharge", "annualRatePercent"] {
                row.append(Cells.text(document[column]))
            }
            row.append(Cells.flagCodes(document["flags"]))
            let origin = Cells.source(document)
            row.append(origin.file)
            row.append(origin.line)
            let key = collation.make(village: village, name: headName, then: [notice.householdCode, notice.loanId])
            try spills.append(spilled(row), key: key, to: communes[commune].loans)
            source.addLoan(notice, document: document)
        }
    }

    /// A row as the spill keeps it until its file is sorted: its CSV line, or its fields for a sheet.
    private func spilled(_ row: [String?]) -> [UInt8] {
        switch format {
        case .csv: return CSV.line(row)
        case .xlsx: return FieldRow.encode(row)
        }
    }

    /// The date workbooks record as their creation: the batch's as-of date (as the group lists').
    private var workbookDate: CivilDate {
        source.asOf ?? batchSummaryAsOf ?? GroupListSource.today()
    }

    // MARK: - Notifications and summary

    private func writeNotifications() throws {
        let write: ([String?]) throws -> Void
        let close: () throws -> Void
        switch format {
        case .csv:
            let file = try OutputFile(path: staging + "/notifications.csv")
            try file.write(CSV.header(Self.notificationColumns))
            write = { row in try file.write(CSV.line(row)) }
            close = { try file.close() }
        case .xlsx:
            let workbook = try XLSXWorkbook(path: staging + "/notifications.xlsx", temporaryDirectory: spillDirectory, created: workbookDate)
            let sheet = try ListSheet(in: workbook, name: Self.notificationSheet, columns: ExportColumn.notifications)
            write = { row in try sheet.append(row) }
            close = {
                try sheet.finish()
                try workbook.close()
            }
        }
        try reader.forEachDocument(kind: TaskKind.notifyEmit.rawValue, tally: &tally) { document, _, location in
            summary.notifications += 1
            source.noteAsOf(document)
            var row: [String?] = []
            row.reserveCapacity(Self.notificationColumns.count)
            row.append(Cells.text(document["type"]))
            row.append(Cells.text(document["subject"]))
            row.append(Cells.text(document["dedupKey"]))
            row.append(Cells.recipientRoles(document["recipients"]))
            row.append(Cells.text(document["message_vi"]))
            row.append(Cells.text(document["sms"]))
            let origin = Cells.source(document)
            row.append(origin.file)
            row.append(origin.line)
            // A notification stored before the outbox existed has no state.
            let delivery = deliveries.delivery(file: location.file, offset: location.offset)
            row.append(delivery?.state.rawValue)
            row.append(delivery.map { NotificationDeliveries.recipientStates($0.recipients) })
            try write(row)
        }
        try close()
        summary.filesWritten += 1
    }

    /// Copies the last summary document stored for the batch, as stored.
    private func writeBatchSummary() throws {
        var last: [UInt8]?
        var lastAsOf: CivilDate?
        try reader.forEachDocument(kind: TaskKind.batchSummary.rawValue, tally: &tally) { document, line, _ in
            last = Array(line)
            if case .string(let text)? = document["asOf"] { lastAsOf = CivilDate(iso: text) }
        }
        guard let last else { return }
        if source.asOf == nil { batchSummaryAsOf = lastAsOf }
        let file = try OutputFile(path: staging + "/summary.json")
        try file.write(last)
        try file.write([UInt8(ascii: "\n")])
        try file.close()
        summary.filesWritten += 1
        summary.batchSummaryFound = true
    }

    // MARK: - Communes

    private func writeCommunes() throws {
        guard !communes.isEmpty else { return }
        try PrivateFiles.makeDirectory(staging + "/communes")
        let ordered = communes.sorted { lhs, rhs in
            if lhs.isPseudo != rhs.isPseudo { return !lhs.isPseudo }
            let left = collation.make(village: nil, name: lhs.name, then: [])
            let right = collation.make(village: nil, name: rhs.name, then: [])
            return left.lexicographicallyPrecedes(right)
        }
        var names = FileNames()
        for commune in ordered {
            let name = staging + "/communes/" + names.unique(commune.name)
            summary.communes += 1
            switch format {
            case .csv:
                try PrivateFiles.makeDirectory(name)
                if let households = commune.households {
                    try writeSorted(households, columns: Self.householdColumns, to: name + "/households.csv")
                }
                try writeSorted(commune.loans, columns: Self.loanColumns, to: name + "/loans.csv")
            case .xlsx:
                let workbook = try XLSXWorkbook(path: name + ".xlsx", temporaryDirectory: spillDirectory, created: workbookDate)
                if let households = commune.households {
                    try writeSorted(households, sheet: Self.householdSheet, columns: ExportColumn.households, in: workbook)
                }
                try writeSorted(commune.loans, sheet: Self.loanSheet, columns: ExportColumn.loans, in: workbook)
                try workbook.close()
                summary.filesWritten += 1
            }
        }
    }

    private func writeSorted(_ spill: SpillSet.Spill, columns: [String], to path: String) throws {
        let file = try OutputFile(path: path)
        try file.write(CSV.header(columns))
        try spills.forEachSorted(spill) { line in try file.write(line) }
        try file.close()
        summary.filesWritten += 1
    }

    private func writeSorted(_ spill: SpillSet.Spill, sheet name: String, columns: [ExportColumn], in workbook: XLSXWorkbook) throws {
        let sheet = try ListSheet(in: workbook, name: name, columns: columns)
        try spills.forEachSorted(spill) { row in try sheet.append(FieldRow.decode(row)) }
        try sheet.finish()
    }

    // MARK: - Savings groups

    /// The lists of `GroupListSource.forEachList`, each as CSV (or a workbook) and JSON.
    private func writeGroups() throws {
        var names = FileNames()
        var directoryMade = false
        try source.forEachList(asOf: source.asOf ?? batchSummaryAsOf ?? GroupListSource.today(), rules: rules) { list, loans, commune in
            if !directoryMade {
                try PrivateFiles.makeDirectory(staging + "/savings-groups")
                directoryMade = true
            }
            let base = staging + "/savings-groups/" + names.unique(list.savingsGroup ?? Self.noGroup)
            let rows = Self.groupRows(list, loans: loans)
            switch format {
            case .csv:
                let file = try OutputFile(path: base + ".csv")
                try file.write(CSV.header(Self.groupColumns))
                for row in rows { try file.write(CSV.line(row)) }
                try file.close()
            case .xlsx:
                try GroupListWorkbook(rows: rows, list: list, commune: commune).write(to: base + ".xlsx", temporaryDirectory: spillDirectory)
            }
            summary.filesWritten += 1
            let json = try OutputFile(path: base + ".json")
            try json.write(list.jsonBytes)
            try json.write([UInt8(ascii: "\n")])
            try json.close()
            summary.filesWritten += 1
            summary.groups += 1
        }
    }

    /// The group's list as the CSV's rows, borrowers then candidates, in the list's order.
    /// The interest and surcharge, which the list does not carry, come from each borrower's
    /// loan (`loans[borrower.loan]`).
    static func groupRows(_ list: SavingsGroupList, loans: [GroupListSource.DueLoan]) -> [[String?]] {
        var rows: [[String?]] = []
        rows.reserveCapacity(list.borrowers.count + list.candidates.count)
        for borrower in list.borrowers {
            let loan = loans[borrower.loan]
            rows.append([
                borrower.status == LoanStatus.overdue.rawValue ? "overdue" : "due", borrower.village, borrower.headName,
                borrower.householdCode, borrower.loanId, borrower.nextDueOn, borrower.nextDueAmount.map(String.init),
                borrower.overduePrincipal.map(String.init), borrower.daysOverdue.map(String.init),
                loan.interestDue.map(String.init), loan.overdueSurcharge.map(String.init), nil, nil,
            ])
        }
        for candidate in list.candidates {
            rows.append(
                ["supplement_candidate", candidate.village, candidate.headName, candidate.householdCode]
                    + [String?](repeating: nil, count: 7) + [candidate.current, String(candidate.priorityScore)]
            )
        }
        return rows
    }
}
