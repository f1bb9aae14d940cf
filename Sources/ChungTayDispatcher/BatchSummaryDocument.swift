import ChungTayWire

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
        try container.encode(TaskKind.batchSummary, forKey: .kind)
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

    func encoded() throws(WireError) -> [UInt8] {
        try ReplyJSON.encode(self, escapingSlashes: false)
    }
}
