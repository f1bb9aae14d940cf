import ChungTayStore
import ChungTayWire

extension BatchStatus {
    /// The counters the dispatcher keeps itself; the rest are the workers' and form the summary.
    static let ownCounterRoots: Set<String> = ["accepted", "documents"]

    init(_ entry: BatchTable.Entry, dataDirectory: String) {
        let record = entry.record
        let counters = entry.counters
        func count(_ name: String) -> Int { Int(counters[name] ?? 0) }
        self.init(
            id: record.id, name: record.name, state: entry.state, asOf: record.asOf, whatIf: record.whatIf,
            households: count("accepted/households"),
            loans: count("accepted/loans"),
            reviewed: count("documents/\(TaskKind.householdReview)"),
            loanStatuses: count("documents/\(TaskKind.loanStatus)"),
            notifications: count("documents/\(TaskKind.notifyEmit)"),
            inputErrors: record.inputErrors,
            chunks: Chunks(householdsAccepted: count("accepted/householdChunks"),
                           loansAccepted: count("accepted/loanChunks"),
                           households: record.householdChunks, loans: record.loanChunks),
            jobs: Jobs(queued: entry.queuedJobs, completed: entry.jobs[.completed] ?? 0, dead: entry.jobs[.dead] ?? 0),
            summary: CounterTree(counters, excluding: Self.ownCounterRoots),
            audit: Audit(
                submittedBy: record.submittedBy, submittedAt: Timestamp.rfc3339(record.createdAt),
                sealedAt: record.sealedAt.map(Timestamp.rfc3339), completedAt: record.completedAt.map(Timestamp.rfc3339),
                inputs: record.inputs, workers: entry.workers.sorted()),
            dataDirectory: dataDirectory)
    }
}
