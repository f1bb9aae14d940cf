#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB

/// Verifies a data directory against its journal: rows readable, every segment known and
/// as long as its committed end, keys files indexing committed documents only, every
/// stored location inside committed bytes. The dispatcher runs it at start (and refuses
/// to start on a problem that `blocksStart`); `chungtay data check` runs it thoroughly
/// on a stopped directory and can apply the repairs that are provably safe.
///
/// The caller holds the directory's lock (`DataDirectory.lock()`), so no dispatcher
/// appends or cuts while it looks.
public struct DataDirectoryCheck {
    public let directory: DataDirectory
    /// Also reads both ends of every key entry's document and checks every completed
    /// job's result location: a full scan of the journal and the keys files.
    public let thorough: Bool

    public init(directory: DataDirectory, thorough: Bool) {
        self.directory = directory
        self.thorough = thorough
    }

    public func run(journal: JobJournal) throws(StoreError) -> [DataProblem] {
        let unreadable = try journal.unreadableRows()
        // Reading on would trap on the very values just found.
        guard unreadable.isEmpty else { return unreadable }
        let committed = try journal.committedSegments()
        var problems = try SegmentInspection(root: directory.storeRoot, fileExtension: "jsonl", committed: committed, segmentsMayBeCollected: false)
            .problems(readsDocuments: thorough)
        problems += try SegmentInspection(root: directory.payloadRoot, fileExtension: "bin", committed: committed, segmentsMayBeCollected: true)
            .problems(readsDocuments: false)
        problems += try danglingLocations(journal)
        problems += try unneededPayloadSegments(journal)
        return problems
    }

    /// Locations the journal holds that point outside committed bytes: queued and dead
    /// jobs' payloads (they will be read), batch summaries, and (thorough) every result.
    private func danglingLocations(_ journal: JobJournal) throws(StoreError) -> [DataProblem] {
        /// `index` (a partial index matching `filter`) makes a start read only queued and
        /// dead jobs, not the whole history.
        func outside(_ column: String, _ table: String, _ filter: String, index: String? = nil) -> String {
            """
            SELECT t.id, t.\(column)_file, t.\(column)_offset, t.\(column)_length, s.committed
            FROM \(table) t \(index.map { "INDEXED BY " + $0 } ?? "") LEFT JOIN segment s ON s.file = t.\(column)_file
            WHERE \(filter) AND t.\(column)_file IS NOT NULL AND (s.file IS NULL OR t.\(column)_offset < 0 OR t.\(column)_length < 0
                OR t.\(column)_offset + t.\(column)_length > s.committed)
            LIMIT 20
            """
        }
        var queries = [
            ("payload", "payloads/", "job", outside("payload", "job", "t.state = 0", index: "job_queued")),
            ("payload", "payloads/", "job", outside("payload", "job", "t.state = 2", index: "job_dead")),
            ("summary", "store/", "batch", outside("summary", "batch", "1")),
        ]
        if thorough { queries.append(("result", "store/", "job", outside("result", "job", "1"))) }
        var problems: [DataProblem] = try journal.read("stored locations") { db in
            var found: [DataProblem] = []
            for (what, prefix, table, sql) in queries {
                for row in try Row.fetchAll(db, sql: sql) {
                    let id: DatabaseValue = row[0]
                    let file: String = row[1]
                    let offset: Int64 = row[2]
                    let length: Int64 = row[3]
                    let end: Int64? = row[4]
                    found.append(DataProblem(
                        file: prefix + file, code: what == "payload" ? .danglingPayload : .danglingResult,
                        message: "\(table) \(id)'s \(what) at \(offset)+\(length) lies outside "
                            + (end.map { "the committed end \($0)" } ?? "any segment the journal knows")))
                }
            }
            return found
        }
        for file in try journal.payloadFilesInUse().sorted() {
            let path = directory.payloadRoot.appendingPathComponent(file).path
            if access(path, F_OK) != 0 {
                problems.append(DataProblem(file: "payloads/" + file, code: .danglingPayload,
                                            message: "queued or dead jobs have their payloads in this segment, but the file is missing"))
            }
        }
        return problems
    }

    /// Payload segments no queued or dead job needs, except the newest (appends continue there).
    private func unneededPayloadSegments(_ journal: JobJournal) throws(StoreError) -> [DataProblem] {
        let inUse = try journal.payloadFilesInUse()
        return SegmentFiles(root: directory.payloadRoot, fileExtension: "bin").relativePaths(kind: DataDirectory.payloadKind).dropLast().compactMap { file in
            guard !inUse.contains(file) else { return nil }
            return DataProblem(file: "payloads/" + file, code: .unneededPayloadSegment,
                               message: "no queued or dead job needs this payload segment",
                               repair: .delete(paths: [self.directory.payloadRoot.appendingPathComponent(file).path]))
        }
    }
}
