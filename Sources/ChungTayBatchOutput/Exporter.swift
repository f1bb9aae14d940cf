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
final class Exporter {
    static let marker = ".chungtay-export"
    /// `PARENT/.NAME.chungtay-export-staging-PID`, beside DIR (the same filesystem, so the swap is a rename).
    static let stagingInfix = ".chungtay-export-staging-"
    /// The entries of DIR an export owns, replaced as a whole.
    static let entries = ["communes", "savings-groups", "notifications.csv", "summary.json"]

    static let unknownCommune = "(unknown)"
    static let notInList = "(not in list)"
    static let noGroup = "(no group)"

    static let householdColumns = [
        "householdCode", "headName", "village", "savingsGroup", "association", "standard", "incomePerCapita",
        "povertyLine", "deprivationCount", "deprivations", "classification", "previous", "current", "change",
        "escapedOn", "priorityScore", "eligiblePrograms", "flags", "sourceFile", "sourceLine",
    ]
    static let loanColumns = [
        "loanId", "householdCode", "headName", "village", "program", "status", "outstanding", "overduePrincipal",
        "daysOverdue", "overdueBucket", "nextDueOn", "nextDueAmount", "interestDue", "overdueSurcharge",
        "annualRatePercent", "flags", "sourceFile", "sourceLine",
    ]
    static let groupColumns = [
        "section", "village", "headName", "householdCode", "loanId", "nextDueOn", "nextDueAmount",
        "overduePrincipal", "daysOverdue", "interestDue", "overdueSurcharge", "current", "priorityScore",
    ]
    static let notificationColumns = [
        "type", "subject", "dedupKey", "recipients", "message_vi", "sms", "sourceFile", "sourceLine", "state", "recipientStates",
    ]

    /// What is kept of a review: enough to file its loans and make the group lists.
    /// Repeated texts (commune, village, group, association, status) are interned.
    struct Household {
        var code: String?
        var headName: String?
        var commune: UInt32
        var village: UInt32
        var group: UInt32
        var association: UInt32
        var current: UInt32
        /// `Int.min` when the review has none.
        var priorityScore: Int
    }

    /// A loan that is due soon or overdue, for the group lists.
    struct DueLoan {
        /// Index of its household's review, -1 when not in the batch.
        var household: Int
        var notice: LoanNotice
        var interestDue: Int?
        var overdueSurcharge: Int?
    }

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
    private var strings = StringTable()
    private var collation = SortKey()
    private var households: [Household] = []
    /// Household code → index of its review; the last review wins, as in `savingsGroupLists`.
    private var codeIndex: [String: Int32] = [:]
    /// Indexed like `households`: whether the household code has an active loan.
    private var active: [Bool] = []
    private var dueLoans: [DueLoan] = []
    private var communes: [Commune] = []
    private var communeByName: [UInt32: Int] = [:]
    private var notInListCommune: Int?
    private var asOf: CivilDate?
    private var tally = BatchDocumentReader.Tally()
    private var summary = BatchExport.Summary()
    private let spills: SpillSet
    private var staging = ""
    private var spillDirectory = ""

    /// Each notification's delivery state, for `notifications.csv`.
    private let deliveries: NotificationDeliveries

    init(reader: BatchDocumentReader, deliveries: NotificationDeliveries, rules: RuleBook, spillLimit: Int) {
        self.reader = reader
        self.deliveries = deliveries
        self.rules = rules
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
            noteAsOf(document)
            let notice = ReviewNotice(document: document)
            let communeId = strings.id(notice.commune)
            let commune = communeIndex(communeId)
            let index = households.count
            households.append(
                Household(
                    code: notice.householdCode, headName: notice.headName, commune: communeId,
                    village: strings.id(notice.village), group: strings.id(notice.savingsGroup),
                    association: strings.id(notice.association), current: strings.id(notice.current),
                    priorityScore: notice.priorityScore ?? Int.min
                )
            )
            active.append(false)
            if let code = notice.householdCode { codeIndex[code] = Int32(index) }

            var line = CSV.Line()
            for column in ["householdCode", "headName", "village", "savingsGroup", "association", "standard"] {
                line.field(Cells.text(document[column]))
            }
            for column in ["incomePerCapita", "povertyLine", "deprivationCount", "deprivations", "classification"] {
                line.field(Cells.text(document[column]))
            }
            for column in ["previous", "current", "change", "escapedOn", "priorityScore", "eligiblePrograms"] {
                line.field(Cells.text(document[column]))
            }
            line.field(Cells.flagCodes(document["flags"]))
            let source = Cells.source(document)
            line.field(source.file)
            line.field(source.line)
            let key = collation.make(village: notice.village, name: notice.headName, then: [notice.householdCode])
            try spills.append(line.finish(), key: key, to: communes[commune].households!)
        }
    }

    /// The commune directory of a commune name (0: no commune).
    private func communeIndex(_ communeId: UInt32) -> Int {
        if let index = communeByName[communeId] { return index }
        let index = communes.count
        let name = strings.string(communeId) ?? Self.unknownCommune
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

    private func noteAsOf(_ document: JSONObject) {
        guard asOf == nil, case .string(let text)? = document["asOf"] else { return }
        asOf = CivilDate(iso: text)
    }

    // MARK: - Loans

    private func readLoans() throws {
        try reader.forEachDocument(kind: TaskKind.loanStatus.rawValue, tally: &tally) { document, _, _ in
            summary.loans += 1
            noteAsOf(document)
            var notice = LoanNotice(document: document)
            notice.errorCodes = []
            let household = notice.householdCode.flatMap { codeIndex[$0] }.map(Int.init)
            let commune: Int
            if let household {
                commune = communeIndex(households[household].commune)
            } else if let notInListCommune {
                commune = notInListCommune
            } else {
                commune = communes.count
                communes.append(
                    Commune(name: Self.notInList, isPseudo: true, households: nil, loans: spills.make(path: spillDirectory + "/l\(commune)"))
                )
                notInListCommune = commune
            }
            let headName = household.flatMap { households[$0].headName }
            let village = household.flatMap { strings.string(households[$0].village) }

            var line = CSV.Line()
            line.field(Cells.text(document["loanId"]))
            line.field(Cells.text(document["householdCode"]))
            line.field(headName)
            line.field(village)
            for column in ["program", "status", "outstanding", "overduePrincipal", "daysOverdue", "overdueBucket"] {
                line.field(Cells.text(document[column]))
            }
            for column in ["nextDueOn", "nextDueAmount", "interestDue", "overdueSurcharge", "annualRatePercent"] {
                line.field(Cells.text(document[column]))
            }
            line.field(Cells.flagCodes(document["flags"]))
            let source = Cells.source(document)
            line.field(source.file)
            line.field(source.line)
            let key = collation.make(village: village, name: headName, then: [notice.householdCode, notice.loanId])
            try spills.append(line.finish(), key: key, to: communes[commune].loans)

            // RULES.md section 3: an active loan is one whose status is not null,
            // settled or written off.
            if let household, let status = notice.status,
                status != LoanStatus.settled.rawValue, status != LoanStatus.writtenOff.rawValue
            {
                active[household] = true
            }
            if notice.status == LoanStatus.dueSoon.rawValue || notice.status == LoanStatus.overdue.rawValue {
                dueLoans.append(
                    DueLoan(
                        household: household ?? -1, notice: notice,
                        interestDue: Cells.integer(document["interestDue"]),
                        overdueSurcharge: Cells.integer(document["overdueSurcharge"])
                    )
                )
            }
        }
    }

    // MARK: - Notifications and summary

    private func writeNotifications() throws {
        let file = try OutputFile(path: staging + "/notifications.csv")
        try file.write(CSV.header(Self.notificationColumns))
        try reader.forEachDocument(kind: TaskKind.notifyEmit.rawValue, tally: &tally) { document, _, location in
            summary.notifications += 1
            noteAsOf(document)
            var line = CSV.Line()
            line.field(Cells.text(document["type"]))
            line.field(Cells.text(document["subject"]))
            line.field(Cells.text(document["dedupKey"]))
            line.field(Cells.recipientRoles(document["recipients"]))
            line.field(Cells.text(document["message_vi"]))
            line.field(Cells.text(document["sms"]))
            let source = Cells.source(document)
            line.field(source.file)
            line.field(source.line)
            // A notification stored before the outbox existed has no state.
            let delivery = deliveries.delivery(file: location.file, offset: location.offset)
            line.field(delivery?.state.rawValue)
            line.field(delivery.map { NotificationDeliveries.recipientStates($0.recipients) })
            try file.write(line.finish())
        }
        try file.close()
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
        if asOf == nil { asOf = lastAsOf }
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
            let directory = staging + "/communes/" + names.unique(commune.name)
            try PrivateFiles.makeDirectory(directory)
            summary.communes += 1
            if let households = commune.households {
                try writeSorted(households, columns: Self.householdColumns, to: directory + "/households.csv")
            }
            try writeSorted(commune.loans, columns: Self.loanColumns, to: directory + "/loans.csv")
        }
    }

    private func writeSorted(_ spill: SpillSet.Spill, columns: [String], to path: String) throws {
        let file = try OutputFile(path: path)
        try file.write(CSV.header(columns))
        try spills.writeSorted(spill, to: file)
        try file.close()
        summary.filesWritten += 1
    }

    // MARK: - Savings groups

    /// The lists of `savingsGroupLists`, one group at a time: its reviews that can be on
    /// the list (a supplement candidate has a status and no active loan; a borrower's
    /// household is looked up) and the group's due and overdue loans. Handing the rules
    /// one group at a time gives the lists a single call would (a loan belongs to its
    /// household's group; the households left out could be neither borrowers' nor
    /// candidates), with only one group's notices in memory.
    private func writeGroups() throws {
        var members: [UInt32: [Int]] = [:]
        var dueByGroup: [UInt32: [Int]] = [:]
        var borrowerHouseholds = Set<Int>()
        for (index, loan) in dueLoans.enumerated() {
            let group = loan.household >= 0 ? households[loan.household].group : 0
            dueByGroup[group, default: []].append(index)
            if loan.household >= 0 { borrowerHouseholds.insert(loan.household) }
        }
        for (index, household) in households.enumerated() {
            let activeByCode = household.code.flatMap { codeIndex[$0] }.map { active[Int($0)] } ?? false
            guard borrowerHouseholds.contains(index) || (household.current != 0 && !activeByCode) else { continue }
            members[household.group, default: []].append(index)
        }
        let groups = Set(members.keys).union(dueByGroup.keys).sorted { lhs, rhs in
            switch (strings.string(lhs), strings.string(rhs)) {
            case (let left?, let right?): return left < right
            case (_?, nil): return true
            default: return false
            }
        }
        guard !groups.isEmpty else { return }
        let asOf = self.asOf ?? Self.today()
        var names = FileNames()
        var directoryMade = false
        for group in groups {
            let (reviews, loanOrder) = orderedForList(households: members[group] ?? [], dueLoans: dueByGroup[group] ?? [])
            let lists = savingsGroupLists(reviews: reviews, loans: loanOrder.map { dueLoans[$0].notice }, asOf: asOf, rules: rules)
            for list in lists {
                if !directoryMade {
                    try PrivateFiles.makeDirectory(staging + "/savings-groups")
                    directoryMade = true
                }
                let base = staging + "/savings-groups/" + names.unique(list.savingsGroup ?? Self.noGroup)
                try writeGroupCSV(list, loanOrder: loanOrder, to: base + ".csv")
                let json = try OutputFile(path: base + ".json")
                try json.write(list.jsonBytes)
                try json.write([UInt8(ascii: "\n")])
                try json.close()
                summary.filesWritten += 1
                summary.groups += 1
            }
        }
    }

    /// A group's notices in the order `savingsGroupLists` will sort them into: loans by
    /// their household's village and name, reviews by priority score (highest first),
    /// village and name, ties in store order. The rules sort with a stable sort that
    /// finds presorted runs, so the lists come out as from the notices in store order,
    /// while the rules' comparison (which unaccents both texts at every step) runs
    /// about once per notice instead of n log n times. The one thing the order can
    /// change is which `association` a list reports when a group's households name
    /// different ones (the rules keep the last one seen).
    /// The loans come back as their indexes in `dueLoans`.
    private func orderedForList(households indexes: [Int], dueLoans loanIndexes: [Int]) -> (reviews: [ReviewNotice], loans: [Int]) {
        func listKey(_ household: Int) -> [UInt8] {
            guard household >= 0 else { return collation.make(village: nil, name: nil, then: []) }
            let entry = households[household]
            return collation.make(village: strings.string(entry.village), name: entry.headName, then: [])
        }
        let loans = loanIndexes.map { (key: listKey(dueLoans[$0].household), index: $0) }
            .sorted { $0.key != $1.key ? $0.key.lexicographicallyPrecedes($1.key) : $0.index < $1.index }
            .map(\.index)
        let reviews = indexes.map { index -> (score: Int, key: [UInt8], index: Int) in
            let score = households[index].priorityScore
            return (score == Int.min ? 0 : score, listKey(index), index)
        }.sorted { lhs, rhs in
            if lhs.score != rhs.score { return lhs.score > rhs.score }
            if lhs.key != rhs.key { return lhs.key.lexicographicallyPrecedes(rhs.key) }
            return lhs.index < rhs.index
        }.map { reviewNotice($0.index) }
        return (reviews, loans)
    }

    private func reviewNotice(_ index: Int) -> ReviewNotice {
        let household = households[index]
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        var members = [
            JSONObject.Member(key: "householdCode", value: text(household.code)),
            JSONObject.Member(key: "headName", value: text(household.headName)),
            JSONObject.Member(key: "village", value: text(strings.string(household.village))),
            JSONObject.Member(key: "savingsGroup", value: text(strings.string(household.group))),
            JSONObject.Member(key: "association", value: text(strings.string(household.association))),
            JSONObject.Member(key: "current", value: text(strings.string(household.current))),
        ]
        if household.priorityScore != Int.min {
            members.append(JSONObject.Member(key: "priorityScore", value: .number(DecimalNumber(household.priorityScore))))
        }
        return ReviewNotice(document: JSONObject(members))
    }

    /// The group's list as CSV, borrowers then candidates, in the list's order. The
    /// interest and surcharge, which the list does not carry, come from each borrower's
    /// loan (`loanOrder` maps the list's loan positions to `dueLoans`).
    private func writeGroupCSV(_ list: SavingsGroupList, loanOrder: [Int], to path: String) throws {
        let file = try OutputFile(path: path)
        try file.write(CSV.header(Self.groupColumns))
        for borrower in list.borrowers {
            let loan = dueLoans[loanOrder[borrower.loan]]
            var line = CSV.Line()
            line.field(borrower.status == LoanStatus.overdue.rawValue ? "overdue" : "due")
            line.field(borrower.village)
            line.field(borrower.headName)
            line.field(borrower.householdCode)
            line.field(borrower.loanId)
            line.field(borrower.nextDueOn)
            line.field(borrower.nextDueAmount)
            line.field(borrower.overduePrincipal)
            line.field(borrower.daysOverdue)
            line.field(loan.interestDue)
            line.field(loan.overdueSurcharge)
            line.field(nil as String?)
            line.field(nil as String?)
            try file.write(line.finish())
        }
        for candidate in list.candidates {
            var line = CSV.Line()
            line.field("supplement_candidate")
            line.field(candidate.village)
            line.field(candidate.headName)
            line.field(candidate.householdCode)
            for _ in 0..<7 { line.field(nil as String?) }
            line.field(candidate.current)
            line.field(candidate.priorityScore)
            try file.write(line.finish())
        }
        try file.close()
        summary.filesWritten += 1
    }

    /// The as-of date when no document of the batch gives one (lists need a date).
    private static func today() -> CivilDate {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}

/// Texts stored once however many records repeat them; id 0 stands for nil.
struct StringTable {
    private var ids: [String: UInt32] = [:]
    private var texts: [String] = [""]

    mutating func id(_ text: String?) -> UInt32 {
        guard let text else { return 0 }
        if let id = ids[text] { return id }
        let id = UInt32(texts.count)
        texts.append(text)
        ids[text] = id
        return id
    }

    func string(_ id: UInt32) -> String? {
        id == 0 ? nil : texts[Int(id)]
    }
}
