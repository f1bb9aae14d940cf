import ChungTayStore
public import Foundation
public import Logging

/// The durable state a dispatcher runs on, opened from its data directory: the journal and
/// the two segment stores its rows point into. Opened outside the ``Dispatcher`` so a test
/// can hand one a journal and stores in a directory of its own.
public struct DispatcherStorage {
    let journal: JobJournal
    /// Result documents and batch summaries, `DATA/store/KIND/`.
    let resultStore: ResultStore
    /// Job payloads, `DATA/payloads/jobs/`, appended and fsynced with the results of the same
    /// turn; the journal keeps their locations, so megabyte chunks never pass through SQLite's
    /// WAL and B-tree.
    let payloadStore: ResultStore
    /// `DATA/audit.jsonl`: who submitted what, which worker processed each task.
    let auditTrail: AuditTrail

    /// Locks and opens `root`, after checking that the journal and the files agree.
    public static func open(_ root: URL, logger: Logger) throws -> DispatcherStorage {
        let directory = DataDirectory(root: root)
        try directory.prepare()
        let journal = try JobJournal(path: directory.journalPath)
        try checkAtStart(directory, journal: journal, logger: logger)
        let committed = try journal.committedSegments()
        let resultStore = try ResultStore(directory: directory, committed: committed)
        let payloadStore = try ResultStore.blobs(root: directory.payloadRoot, committed: committed)
        for segments in [resultStore, payloadStore] {
            segments.registerSegment = { [journal] file throws(StoreError) in try journal.registerSegment(file) }
        }
        return DispatcherStorage(journal: journal, resultStore: resultStore, payloadStore: payloadStore,
                                 auditTrail: try AuditTrail(directory: directory))
    }

    /// Refuses to start when the journal and the files disagree in a way no crash explains
    /// (cutting then would destroy data nobody can account for); the cuts a crash does
    /// explain are logged here and made by the stores' open.
    private static func checkAtStart(_ directory: DataDirectory, journal: JobJournal, logger: Logger) throws {
        let problems = try DataDirectoryCheck(directory: directory, thorough: false).run(journal: journal)
        let refusals = problems.filter(\.blocksStart)
        guard refusals.isEmpty else {
            throw StoreError("""
                refusing to start: the journal and the files of \(directory.root.path) disagree, and nothing was cut:
                \(refusals.map { "  " + $0.description }.joined(separator: "\n"))
                `chungtay data check --data-dir \(directory.root.path)` reports every problem
                """)
        }
        for problem in problems where problem.repair != nil && problem.code != .unneededPayloadSegment {
            logger.notice("cutting what no commit covers", metadata: ["file": "\(problem.file)", "code": "\(problem.code.rawValue)", "detail": "\(problem.message)"])
        }
    }
}
