import ChungTayWire
import Foundation
import GRDB
import Testing
@testable import ChungTayStore

/// What the store does with files that disagree with the journal: cuts what a crash
/// explains, refuses what it does not, and never lets a key entry stand for a document
/// it does not point at.
@Suite struct IntegrityTests {
    private let directory: DataDirectory

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-integrity-\(UUID().uuidString)")
        directory = DataDirectory(root: root)
        try directory.prepare()
    }

    private func file(_ relativePath: String) -> URL { directory.storeRoot.appendingPathComponent(relativePath) }

    private func appendBytes(_ bytes: [UInt8], to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data(bytes))
        try handle.close()
    }

    /// Two households' reviews, committed, with their keys.
    private func committedStore() throws -> (ResultStore, [String: Int64]) {
        let store = try ResultStore(directory: directory, committed: [:])
        _ = try store.append(kind: "household.review", documents: [Array(#"{"householdCode":"A"}"#.utf8), Array(#"{"householdCode":"B"}"#.utf8)], keys: ["A", "B"])
        let ends = try store.sync()
        store.markCommitted(ends)
        return (store, ends)
    }

    /// A keys write that fails part way leaves a torn entry behind; the rollback that
    /// follows must cut it, or every later entry is misaligned.
    @Test func rollBackCutsWhatAFailedKeysWriteLeft() throws {
        let (store, _) = try committedStore()
        let keys = file("household.review/segment-000001.jsonl.keys")
        _ = try store.append(kind: "household.review", documents: [Array(#"{"householdCode":"C"}"#.utf8)], keys: ["C"])
        // What a write(2) that failed after 10 bytes leaves (the sync then throws).
        try appendBytes(Array(repeating: 0xAB, count: 10), to: keys)
        try store.rollBack()
        #expect(try Data(contentsOf: keys).count == 2 * DocumentKey.entrySize)
        _ = try store.append(kind: "household.review", documents: [Array(#"{"householdCode":"D"}"#.utf8)], keys: ["D"])
        store.markCommitted(try store.sync())
        #expect(try store.locations(key: "D").compactMap { try store.readLines($0) } == [Array("{\"householdCode\":\"D\"}\n".utf8)])
    }

    /// A torn keys tail shorter than one entry is cut at open, so appends after it stay aligned.
    @Test func tornKeysTailIsCutAtOpen() throws {
        let (_, ends) = try committedStore()
        let keys = file("household.review/segment-000001.jsonl.keys")
        try appendBytes(Array(repeating: 0xAB, count: 10), to: keys)
        let reopened = try ResultStore(directory: directory, committed: ends)
        #expect(try Data(contentsOf: keys).count == 2 * DocumentKey.entrySize)
        _ = try reopened.append(kind: "household.review", documents: [Array(#"{"householdCode":"E"}"#.utf8)], keys: ["E"])
        reopened.markCommitted(try reopened.sync())
        #expect(try reopened.locations(key: "E").compactMap { try reopened.readLines($0) } == [Array("{\"householdCode\":\"E\"}\n".utf8)])
    }

    /// An entry that does not point at whole lines (misaligned, or stale) is not read as a document.
    @Test func keyEntriesAreCheckedAgainstTheSegment() throws {
        let (store, ends) = try committedStore()
        let keys = file("household.review/segment-000001.jsonl.keys")
        var entry: [UInt8] = []
        DocumentKey(hash: DocumentKey.hash("A"), offset: 3, length: 10).append(to: &entry)
        try appendBytes(entry, to: keys)
        #expect(try store.locations(key: "A").compactMap { try store.readLines($0) } == [Array("{\"householdCode\":\"A\"}\n".utf8)])
        // Behind its predecessor: cut at open, with a reason.
        let problems = try SegmentInspection(root: directory.storeRoot, fileExtension: "jsonl", committed: ends, segmentsMayBeCollected: false)
            .problems(readsDocuments: true)
        #expect(problems.map(\.code) == [.invalidKeys])
        #expect(problems.first?.repair == .truncate(path: keys.path, length: Int64(2 * DocumentKey.entrySize)))
    }

    /// A segment the journal does not know is data nobody can account for: the open
    /// refuses, naming the file, and cuts nothing (it used to cut it to nothing).
    @Test func unknownSegmentRefusesAndIsKept() throws {
        _ = try committedStore()
        let segment = file("household.review/segment-000001.jsonl")
        let before = try Data(contentsOf: segment)
        let error = try #require(throws: StoreError.self) { _ = try ResultStore(directory: directory, committed: [:]) }
        #expect(error.description.contains("household.review/segment-000001.jsonl: unknown_segment"))
        #expect(try Data(contentsOf: segment) == before)
    }

    /// A file shorter than its committed end lost committed data; appends would land at
    /// the wrong offsets.
    @Test func shortSegmentRefuses() throws {
        let (_, ends) = try committedStore()
        let segment = file("household.review/segment-000001.jsonl")
        try FileHandle(forWritingTo: segment).truncate(atOffset: 5)
        let error = try #require(throws: StoreError.self) { _ = try ResultStore(directory: directory, committed: ends) }
        #expect(error.description.contains("short_segment"))
        #expect(try Data(contentsOf: segment).count == 5)
    }

    /// A new segment is in the journal (committed end 0) before its file exists, so a crash
    /// before its first commit leaves a known segment whose tail is cut, not an unknown one.
    @Test func newSegmentsAreRegisteredBeforeTheirFiles() throws {
        let journal = try JobJournal(path: directory.journalPath)
        let store = try ResultStore(directory: directory, committed: try journal.committedSegments())
        store.registerSegment = { file throws(StoreError) in try journal.registerSegment(file) }
        _ = try store.append(kind: "system.echo", documents: [Array("{}".utf8)])
        _ = try store.sync()
        #expect(try journal.committedSegments() == ["system.echo/segment-000001.jsonl": 0])
        _ = try ResultStore(directory: directory, committed: try journal.committedSegments())
        #expect(try Data(contentsOf: file("system.echo/segment-000001.jsonl")).isEmpty)
    }

    /// A REAL where an integer belongs is reported, not read (reading it would trap).
    @Test func unreadableRowsAreReported() throws {
        let journal = try JobJournal(path: directory.journalPath)
        var submit = JournalCommit(now: Date())
        submit.submissions = [JobSpec(kind: "system.echo", payload: [1])]
        let id = try journal.commit(submit).submissions[0].jobId
        try journal.database.write { db in
            try db.execute(sql: "UPDATE job SET attempts = 9.5e18 WHERE id = ?", arguments: [Int64(id)])
            try db.execute(sql: "INSERT INTO segment(file, committed) VALUES ('system.echo/segment-000001.jsonl', 'x')")
        }
        let problems = try DataDirectoryCheck(directory: directory, thorough: true).run(journal: journal)
        #expect(problems.map(\.code) == [.unreadableRow, .unreadableRow])
        #expect(problems.allSatisfy { $0.blocksStart })
        #expect(problems.contains { $0.message.contains("attempts is real") })
    }

    /// A queued job whose payload lies past its segment's committed end cannot run.
    @Test func danglingPayloadIsReported() throws {
        let journal = try JobJournal(path: directory.journalPath)
        var submit = JournalCommit(now: Date())
        submit.submissions = [JobSpec(kind: "system.echo", payload: [1])]
        submit.payloadLocations = [ResultLocation(file: "jobs/segment-000001.bin", offset: 0, length: 1)]
        submit.segmentEnds = ["jobs/segment-000001.bin": 0]
        _ = try journal.commit(submit)
        let problems = try DataDirectoryCheck(directory: directory, thorough: false).run(journal: journal)
        #expect(Set(problems.map(\.code)) == [.danglingPayload])
        #expect(problems.allSatisfy { $0.file == "payloads/jobs/segment-000001.bin" })
    }
}
