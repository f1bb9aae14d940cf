import ChungTayWire
import Foundation
import Testing
@testable import ChungTayStore

/// The reader of a store beside its dispatcher: it sees exactly what the journal has
/// committed and changes nothing, with the dispatcher's journal and store open.
@Suite struct SegmentReaderTests {
    private let directory: DataDirectory

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-reader-\(UUID().uuidString)")
        directory = DataDirectory(root: root)
        try directory.prepare()
    }

    /// A dispatcher's journal and result store, committing as its turns do.
    private final class Dispatcher {
        let journal: JobJournal
        let store: ResultStore

        init(_ directory: DataDirectory, segmentLimit: Int64 = 256 << 20) throws {
            journal = try JobJournal(path: directory.journalPath)
            store = try ResultStore(directory: directory, committed: try journal.committedSegments(), segmentLimit: segmentLimit)
            store.registerSegment = { [journal] file throws(StoreError) in try journal.registerSegment(file) }
        }

        /// Appends one document per line, keyed by itself, fsynced (a segment past the limit
        /// is closed, the next append starts the next one), but not committed in the journal.
        func append(_ kind: String, _ lines: [String]) throws {
            _ = try store.append(kind: kind, documents: lines.map { Array($0.utf8) }, keys: lines)
            pending.merge(try store.sync()) { _, new in new }
        }

        private var pending: [String: Int64] = [:]

        func commit() throws {
            var turn = JournalCommit(now: Date())
            turn.segmentEnds = pending
            _ = try journal.commit(turn)
            store.markCommitted(pending)
            pending = [:]
        }
    }

    private func lines(_ kind: String) throws -> [String] {
        var lines: [String] = []
        try SegmentReader(resultsOf: directory).forEachLine(kind: kind) { line, _ in lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    private func segment(_ relativePath: String) -> URL { directory.storeRoot.appendingPathComponent(relativePath) }

    /// Documents appended but not committed, and a torn line past them, are not read,
    /// whether the dispatcher is running (its journal and store open, the directory
    /// locked) or not; once committed, they are.
    @Test func seesExactlyTheCommittedDocuments() throws {
        let path = "household.review/segment-000001.jsonl"
        do {
            let dispatcher = try Dispatcher(directory)
            try dispatcher.append("household.review", [#"{"h":"A"}"#, #"{"h":"B"}"#])
            try dispatcher.commit()
            try dispatcher.append("household.review", [#"{"h":"C"}"#])
            let handle = try FileHandle(forWritingTo: segment(path))
            handle.seekToEndOfFile()
            handle.write(Data(#"{"h":"tor"#.utf8))
            try handle.close()
            let before = try Data(contentsOf: segment(path))

            #expect(try lines("household.review") == [#"{"h":"A"}"#, #"{"h":"B"}"#])
            let reader = try SegmentReader(resultsOf: directory)
            #expect(reader.committedEnd(path) == 20)
            #expect(try reader.locations(key: #"{"h":"C"}"#).isEmpty, "an uncommitted document is not found by key either")
            #expect(try reader.locations(key: #"{"h":"B"}"#).map { try reader.readLines($0) } == [Array("{\"h\":\"B\"}\n".utf8)])
            #expect(try Data(contentsOf: segment(path)) == before, "the reader cuts nothing")
            #expect(try !directory.lock(), "the dispatcher's lock is still held")

            try dispatcher.commit()
            #expect(try lines("household.review") == [#"{"h":"A"}"#, #"{"h":"B"}"#, #"{"h":"C"}"#])
        }
        // The dispatcher has stopped (its journal closed and checkpointed); the torn tail is
        // still there, and the journal is read without being changed. SQLite's reader adds
        // its empty `-wal` and shared-memory files, as a running dispatcher has them.
        let journal = try Data(contentsOf: URL(fileURLWithPath: directory.journalPath))
        #expect(try lines("household.review") == [#"{"h":"A"}"#, #"{"h":"B"}"#, #"{"h":"C"}"#])
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.journalPath)) == journal)
        let wal = try FileManager.default.attributesOfItem(atPath: directory.journalPath + "-wal")
        #expect(wal[.size] as? Int == 0)
        #expect(try String(contentsOf: segment(path), encoding: .utf8).hasSuffix(#"{"h":"tor"#))
    }

    /// The dispatcher goes on committing after a reader has read its journal: the reader
    /// held no lock, and its next read sees the new ends.
    @Test func aReaderDoesNotHoldUpTheDispatcher() throws {
        let dispatcher = try Dispatcher(directory)
        for round in 0..<3 {
            try dispatcher.append("loan.status", [#"{"round":\#(round)}"#])
            try dispatcher.commit()
            #expect(try lines("loan.status").count == round + 1)
        }
    }

    /// A kind's segments are read in index order across rollovers, lines that cross the
    /// reader's 1 MiB reads come whole, and each line's location reads it back.
    @Test func readsEverySegmentInOrderWithLinesAcrossReads() throws {
        let dispatcher = try Dispatcher(directory, segmentLimit: 1_200_000)
        let documents = (0..<6_000).map { #"{"n":\#($0),"pad":"\#(String(repeating: "x", count: $0 % 900))"}"# }
        for start in stride(from: 0, to: documents.count, by: 300) {
            try dispatcher.append("notify.emit", Array(documents[start..<start + 300]))
        }
        try dispatcher.commit()
        #expect(SegmentFiles.results(of: directory).indexes(kind: "notify.emit").count > 1)
        #expect(try lines("notify.emit") == documents)
        let reader = try SegmentReader(resultsOf: directory)
        var misplaced = 0
        try reader.forEachLine(kind: "notify.emit") { line, location in
            if try reader.readLines(location) != Array(line) + [UInt8(ascii: "\n")] { misplaced += 1 }
        }
        #expect(misplaced == 0)
    }

    /// A directory without a journal is no dispatcher's: reading refuses and creates nothing.
    @Test func noJournalIsAnErrorAndNothingIsCreated() throws {
        let empty = DataDirectory(root: directory.root.appendingPathComponent("elsewhere"))
        try FileManager.default.createDirectory(at: empty.root, withIntermediateDirectories: true)
        #expect(throws: StoreError.self) { try SegmentReader(resultsOf: empty) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.root.path).isEmpty)
    }

    /// A segment cut below its committed end has lost committed documents: reading it is
    /// an error, not a silently shorter list (an export from it would be incomplete).
    @Test func aSegmentShorterThanItsCommittedEndIsAnError() throws {
        let path = "household.review/segment-000001.jsonl"
        do {
            let dispatcher = try Dispatcher(directory)
            try dispatcher.append("household.review", [#"{"h":"A"}"#, #"{"h":"B"}"#])
            try dispatcher.commit()
        }
        #expect(try lines("household.review") == [#"{"h":"A"}"#, #"{"h":"B"}"#])
        let handle = try FileHandle(forWritingTo: segment(path))
        try handle.truncate(atOffset: 12)
        try handle.close()
        #expect(throws: StoreError.self) { try lines("household.review") }
    }
}
