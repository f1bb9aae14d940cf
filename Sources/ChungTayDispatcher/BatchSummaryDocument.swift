import ChungTayStore
import ChungTayWire
import Foundation

/// What `chungtay batch status ID --json` prints, and (with `kind` and the common
/// document fields) the batch summary document stored at completion.
struct BatchStatus: Encodable {
    struct Jobs: Encodable {
        var queued: Int
        var completed: Int
        var dead: Int
    }

    struct Chunks: Encodable {
        var householdsAccepted: Int64
        var loansAccepted: Int64
        /// Declared when the batch was sealed.
        var households: Int?
        var loans: Int?
    }

    /// Who submitted the batch and which workers processed it (RULES.md section 5).
    struct Audit: Encodable {
        var submittedBy: String
        var submittedAt: String
        var sealedAt: String?
        var completedAt: String?
        var inputs: [String]
        var workers: [String]
    }

    var id: String
    var name: String
    var state: String
    var asOf: String
    var whatIf: Bool
    var households: Int64
    var loans: Int64
    var reviewed: Int64
    var loanStatuses: Int64
    var notifications: Int64
    var inputErrors: Int?
    var chunks: Chunks
    var jobs: Jobs
    var summary: CounterTree
    var audit: Audit
    /// The data directory, for `batch export` on the same machine.
    var dataDirectory: String

    /// The counters the dispatcher keeps itself; the rest are the workers' and form the summary.
    static let ownCounterRoots: Set<String> = ["accepted", "documents"]

    init(_ entry: BatchTable.Entry, dataDirectory: String) {
        let record = entry.record
        let counters = entry.counters
        id = record.id
        name = record.name
        state = entry.state
        asOf = record.asOf
        whatIf = record.whatIf
        households = counters["accepted/households"] ?? 0
        loans = counters["accepted/loans"] ?? 0
        reviewed = counters["documents/household.review"] ?? 0
        loanStatuses = counters["documents/loan.status"] ?? 0
        notifications = counters["documents/notify.emit"] ?? 0
        inputErrors = record.inputErrors
        chunks = Chunks(householdsAccepted: counters["accepted/householdChunks"] ?? 0,
                        loansAccepted: counters["accepted/loanChunks"] ?? 0,
                        households: record.householdChunks, loans: record.loanChunks)
        jobs = Jobs(queued: entry.queuedJobs, completed: entry.jobs[.completed] ?? 0, dead: entry.jobs[.dead] ?? 0)
        summary = CounterTree(counters, excluding: Self.ownCounterRoots)
        audit = Audit(
            submittedBy: record.submittedBy, submittedAt: Timestamp.rfc3339(record.createdAt),
            sealedAt: record.sealedAt.map(Timestamp.rfc3339), completedAt: record.completedAt.map(Timestamp.rfc3339),
            inputs: record.inputs, workers: entry.workers.sorted())
        self.dataDirectory = dataDirectory
    }

    func encoded() -> [UInt8] {
        Self.encode(self)
    }

    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }
}

/// The batch summary document of SCHEMA.md: the summary counters at the top level (counts
/// by commune × current, by change, loans by status and bucket, notifications by type,
/// flags by code, totals), the batch's counts, and its audit record.
struct BatchSummaryDocument: Encodable {
    var status: BatchStatus
    var processedAt: String

    private enum CodingKeys: String, CodingKey {
        case taskId, kind, batchId, name, asOf, whatIf, processedAt, worker, households, loans, reviewed, loanStatuses
        case notifications, inputErrors, deadJobs, audit
    }

    private struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("summary-" + status.id, forKey: .taskId)
        try container.encode("batch.summary", forKey: .kind)
        try container.encode(status.id, forKey: .batchId)
        try container.encode(status.name, forKey: .name)
        try container.encode(status.asOf, forKey: .asOf)
        try container.encode(status.whatIf, forKey: .whatIf)
        try container.encode(processedAt, forKey: .processedAt)
        try container.encode("dispatcher", forKey: .worker)
        try container.encode(status.households, forKey: .households)
        try container.encode(status.loans, forKey: .loans)
        try container.encode(status.reviewed, forKey: .reviewed)
        try container.encode(status.loanStatuses, forKey: .loanStatuses)
        try container.encode(status.notifications, forKey: .notifications)
        try container.encode(status.inputErrors ?? 0, forKey: .inputErrors)
        try container.encode(status.jobs.dead, forKey: .deadJobs)
        try container.encode(status.audit, forKey: .audit)
        var sections = encoder.container(keyedBy: DynamicKey.self)
        for (name, tree) in status.summary.children.sorted(by: { $0.key < $1.key }) {
            try sections.encode(tree, forKey: DynamicKey(stringValue: name))
        }
    }
}
