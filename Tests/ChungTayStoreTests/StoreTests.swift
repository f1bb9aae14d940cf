import ChungTayWire
import Foundation
import Testing
@testable import ChungTayStore

@Suite struct StoreTests {
    private let directory: DataDirectory

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-store-\(UUID().uuidString)")
        directory = DataDirectory(root: root)
        try directory.prepare()
    }

    private func journal() throws -> JobJournal { try JobJournal(path: directory.journalPath) }

    @Test func submissionsAreDurableAndIdempotent() throws {
        let journal = try journal()
        var commit = JournalCommit(now: Date())
        commit.submissions = [
            JobSpec(kind: "system.echo", payload: [1], idempotencyKey: "k1"),
            JobSpec(kind: "system.echo", payload: [2]),
            JobSpec(kind: "system.echo", payload: [3], idempotencyKey: "k1"),
        ]
        let receipts = try journal.commit(commit).submissions
        #expect(receipts.map(\.existed) == [false, false, true])
        #expect(receipts[0].jobId == receipts[2].jobId)
        let reopened = try self.journal()
        #expect(try reopened.queuedJobs().map(\.id) == [receipts[0].jobId, receipts[1].jobId])
        #expect(try reopened.payloads(for: [receipts[1].jobId]) == [receipts[1].jobId: .inline([2])])
    }

    /// A commit of many jobs inserts them many rows per statement and completes them a row at a
    /// time (`JobRowWrites`): the ids are still consecutive in submission order, then the
    /// follow-ups' in completion order; a key seen earlier in the same commit names its job; a
    /// completion applies once (the first of two wins), and not to a job that is not queued;
    /// every row keeps its own values whichever statement wrote it.
    @Test func manyJobsCommitInGroupsWithTheirOwnIdsAndValues() throws {
        let journal = try journal()
        var first = JournalCommit(now: Date())
        first.submissions = [JobSpec(kind: "system.echo", payload: [0])]
        let firstId = try journal.commit(first).submissions[0].jobId
        var submit = JournalCommit(now: Date())
        submit.submissions = (0..<150).map { index in
            JobSpec(kind: "system.echo", payload: [UInt8(index)], idempotencyKey: index == 70 || index == 140 ? "k70" : nil)
        }
        let receipts = try journal.commit(submit).submissions
        #expect(receipts.map(\.existed) == (0..<150).map { $0 == 140 })
        let newIds = receipts.enumerated().filter { $0.offset != 140 }.map(\.element.jobId)
        #expect(newIds == Array(firstId + 1...firstId + 149))
        #expect(receipts[140].jobId == receipts[70].jobId)
        #expect(try journal.queuedJobs().map(\.id) == [firstId] + newIds)
        #expect(try journal.payloads(for: [receipts[0].jobId, receipts[99].jobId, receipts[149].jobId]) == [
            receipts[0].jobId: .inline([0]), receipts[99].jobId: .inline([99]), receipts[149].jobId: .inline([149]),
        ])

        var finish = JournalCommit(now: Date())
        finish.completions = newIds.enumerated().map { index, id in
            .init(jobId: id, attempts: index % 3 + 1, location: ResultLocation(file: "system.echo/segment-000001.jsonl", offset: Int64(index * 10), length: 9),
                  isList: index % 2 == 0)
        }
        finish.completions[5].followUps = [JobSpec(kind: "system.echo", payload: [1]), JobSpec(kind: "system.echo", payload: [2])]
        finish.completions.append(.init(jobId: newIds[3], attempts: 9, location: ResultLocation(file: "x", offset: 0, length: 1), isList: false))
        finish.completions.append(.init(jobId: firstId + 10_000, attempts: 1, location: ResultLocation(file: "x", offset: 0, length: 1), isList: false))
        let followUps = try journal.commit(finish).followUps
        #expect(followUps.count == 151)
        #expect(followUps[5] == [firstId + 150, firstId + 151])
        #expect(followUps[0] == [] && followUps[148] == [])
        #expect(followUps[149] == nil && followUps[150] == nil)
        for index in [0, 3, 64, 71, 135, 148] {
            let record = try #require(try journal.job(newIds[index]))
            #expect(record.state == .completed)
            #expect(record.attempts == index % 3 + 1)
            #expect(record.result == ResultLocation(file: "system.echo/segment-000001.jsonl", offset: Int64(index * 10), length: 9))
            #expect(record.resultIsList == (index % 2 == 0))
        }
        #expect(try journal.queuedJobs().map(\.id) == [firstId, firstId + 150, firstId + 151])
    }

    /// The outbox rows of all of a commit's results are written in groups (`OutboxWrites`): ids
    /// stay consecutive in result order; a key live from an earlier commit, from an earlier result
    /// of this commit (whether its row was written already or still waits for its group) or from
    /// earlier in the same result suppresses a repeat and names that row; a document without a
    /// key has no row; every row keeps its own values whichever statement wrote it.
    @Test func outboxRowsOfManyResultsAreWrittenInGroupsWithTheirOwnIdsAndSuppressions() throws {
        let journal = try journal()
        let expires: Int32 = 40_000
        func completion(_ id: UInt64, batch: String, keys: [String]) -> JournalCommit.Completion {
            var completion = JournalCommit.Completion(
                jobId: id, attempts: 1, location: ResultLocation(file: "notify.emit/segment-000001.jsonl", offset: 0, length: 1), isList: true,
                batchId: batch)
            completion.outbox = keys.enumerated().map { index, key in
                JournalCommit.OutboxDocument(
                    key: OutboxKey(dedupKey: key, expiresOn: expires),
                    location: ResultLocation(file: "notify.emit/segment-000001.jsonl", offset: Int64(id) * 10_000 + Int64(index) * 10, length: 9))
            }
            return completion
        }
        var submit = JournalCommit(now: Date())
        submit.submissions = (0..<4).map { _ in JobSpec(kind: "notify.emit", payload: []) }
        let ids = try journal.commit(submit).submissions.map(\.jobId)

        var earlier = JournalCommit(now: Date())
        earlier.completions = [completion(ids[0], batch: "B0", keys: ["a", "b"])]
        _ = try journal.commit(earlier)
        // 71 rows, so the last 7 wait for the commit's end; "k68" is one of them.
        let first = (0..<70).map { "k\($0)" } + ["a"]
        let second = ["k68", "c", "", "k3", "c"]
        let third = ["b", "d"]
        var finish = JournalCommit(now: Date())
        finish.completions = [completion(ids[1], batch: "B1", keys: first), completion(ids[2], batch: "B2", keys: second),
                              completion(ids[3], batch: "B3", keys: third)]
        _ = try journal.commit(finish)

        let entries = try NotificationOutbox(dataDirectory: directory).entries(batchId: nil, after: 0, limit: 1000)
        let keys = ["a", "b"] + first + second.filter { !$0.isEmpty } + third
        #expect(entries.map(\.dedupKey) == keys)
        #expect(entries.map(\.id) == Array(Int64(1)...Int64(keys.count)))
        let idOf = { (key: String) in entries.first { $0.dedupKey == key }!.id }
        var suppressed: [Int64: Int64] = [:]
        for entry in entries { if let by = entry.suppressedBy { suppressed[entry.id] = by } }
        // "a" (row 73) and "b" (row 78) by the earlier commit; "k68" (74) and "k3" (76) by the
        // first result; the second "c" (77) by the first (75) of its own result.
        #expect(suppressed == [73: idOf("a"), 78: idOf("b"), 74: idOf("k68"), 76: idOf("k3"), 77: 75])
        #expect(entries[74].dedupKey == "c" && entries[76].dedupKey == "c")
        for (entry, batch) in zip(entries, ["B0", "B0"] + Array(repeating: "B1", count: 71) + Array(repeating: "B2", count: 4) + ["B3", "B3"]) {
            #expect(entry.batchId == batch)
        }
        #expect(entries[2].location == ResultLocation(file: "notify.emit/segment-000001.jsonl", offset: Int64(ids[1]) * 10_000, length: 9))
        #expect(entries[72].location.offset == Int64(ids[1]) * 10_000 + 700)
        #expect(entries[76].location.offset == Int64(ids[2]) * 10_000 + 40, "the keyless document keeps its place in the result")
        #expect(entries[78].jobId == ids[3] && entries[3].jobId == ids[1])
    }

    /// A payload written to the payload segments is referenced by location, not copied.
    @Test func payloadsInSegmentsAreReferencedByLocation() throws {
        let journal = try journal()
        var commit = JournalCommit(now: Date())
        commit.submissions = [JobSpec(kind: "system.echo", payload: [7, 7])]
        commit.payloadLocations = [ResultLocation(file: "jobs/segment-000001.bin", offset: 10, length: 2)]
        let id = try journal.commit(commit).submissions[0].jobId
        #expect(try journal.payloads(for: [id]) == [id: .segment(ResultLocation(file: "jobs/segment-000001.bin", offset: 10, length: 2))])
    }

    @Test func completionRecordsWhereTheResultIs() throws {
        let journal = try journal()
        var submit = JournalCommit(now: Date())
        submit.submissions = [JobSpec(kind: "system.echo", payload: [])]
        let id = try journal.commit(submit).submissions[0].jobId
        let store = try ResultStore(directory: directory, committed: [:])
        let location = try store.append(kind: "system.echo", documents: [Array("{\"taskId\":\"1\"}".utf8)])
        var finish = JournalCommit(now: Date())
        finish.segmentEnds = try store.sync()
        finish.completions = [.init(jobId: id, attempts: 1, location: location, isList: false)]
        _ = try journal.commit(finish)
        let record = try #require(try journal.job(id))
        #expect(record.state == .completed)
        #expect(try store.read(#require(record.result)) == Array("{\"taskId\":\"1\"}\n".utf8))
        #expect(try journal.queuedJobs().isEmpty)
    }

    @Test func uncommittedTailsAreCutAtOpen() throws {
        let first = try ResultStore(directory: directory, committed: [:])
        _ = try first.append(kind: "system.echo", documents: [Array("{\"n\":1}".utf8)])
        let committed = try first.sync()
        _ = try first.append(kind: "system.echo", documents: [Array("{\"n\":2}".utf8)])
        _ = try first.sync()
        let file = directory.storeRoot.appendingPathComponent("system.echo/segment-000001.jsonl")
        let handle = try FileHandle(forWritingTo: file)
        handle.seekToEndOfFile()
        handle.write(Data("{\"torn".utf8))
        try handle.close()
        _ = try ResultStore(directory: directory, committed: committed)
        #expect(try String(contentsOf: file, encoding: .utf8) == "{\"n\":1}\n")
    }

    /// Keyed documents are found by key once committed; keys of uncommitted appends are
    /// cut at open with the documents they point to.
    @Test func keyedDocumentsAreFoundAndUncommittedKeysCut() throws {
        let first = try ResultStore(directory: directory, committed: [:])
        _ = try first.append(kind: "household.review", documents: [Array("{\"h\":\"A\"}".utf8), Array("{\"h\":\"B\"}".utf8)], keys: ["A", "B"])
        let committed = try first.sync()
        first.markCommitted(committed)
        #expect(try first.locations(key: "B").map { try first.read($0) } == [Array("{\"h\":\"B\"}\n".utf8)])
        _ = try first.append(kind: "household.review", documents: [Array("{\"h\":\"A2\"}".utf8)], keys: ["A"])
        _ = try first.sync()
        #expect(try first.locations(key: "A").count == 1, "an uncommitted document is not found")
        let reopened = try ResultStore(directory: directory, committed: committed)
        #expect(try reopened.locations(key: "A").count == 1)
        let keys = directory.storeRoot.appendingPathComponent("household.review/segment-000001.jsonl.keys")
        #expect(try Data(contentsOf: keys).count == 2 * DocumentKey.entrySize)
    }

    @Test func rollBackForgetsUncommittedAppends() throws {
        let store = try ResultStore(directory: directory, committed: [:])
        _ = try store.append(kind: "loan.status", documents: [Array("{}".utf8)])
        store.markCommitted(try store.sync())
        _ = try store.append(kind: "loan.status", documents: [Array("{\"x\":1}".utf8)])
        _ = try store.sync()
        try store.rollBack()
        let next = try store.append(kind: "loan.status", documents: [Array("{\"y\":2}".utf8)])
        #expect(next.offset == 3)
    }

    /// Appends are gathered and written in few calls: small and limit-sized documents, mixed
    /// and past the limit, land in order at the locations given, and a rollback drops what was
    /// gathered and not synced.
    @Test func gatheredAppendsLandWhereTheirLocationsSay() throws {
        let store = try ResultStore(directory: directory, committed: [:])
        let small = (0..<3000).map { Array("{\"n\":\($0)}".utf8) }
        let large = Array(repeating: UInt8(ascii: "x"), count: ResultStore.writeBufferLimit + 10)
        var locations: [ResultLocation] = []
        for (index, document) in small.enumerated() {
            locations.append(try store.append(kind: "system.echo", documents: [index == 1500 ? large : document]))
        }
        store.markCommitted(try store.sync())
        for (index, location) in locations.enumerated() {
            #expect(try store.read(location) == (index == 1500 ? large : small[index]) + [UInt8(ascii: "\n")])
        }
        let end = locations.last!.offset + locations.last!.length
        _ = try store.append(kind: "system.echo", documents: [Array("{\"gathered\":1}".utf8)])
        try store.rollBack()
        let next = try store.append(kind: "system.echo", documents: [Array("{\"after\":1}".utf8)])
        #expect(next.offset == end)
        store.markCommitted(try store.sync())
        #expect(try store.read(next) == Array("{\"after\":1}\n".utf8))
        let file = directory.storeRoot.appendingPathComponent("system.echo/segment-000001.jsonl")
        #expect(try Data(contentsOf: file).count == Int(end) + "{\"after\":1}\n".utf8.count)
    }

    @Test func failuresRetryThenDie() throws {
        let journal = try journal()
        var submit = JournalCommit(now: Date())
        submit.submissions = [JobSpec(kind: "system.echo", payload: [])]
        let id = try journal.commit(submit).submissions[0].jobId
        var retry = JournalCommit(now: Date())
        retry.failures = [.init(jobId: id, attempts: 1, dead: false, notBefore: Date().addingTimeInterval(60), code: "boom", message: "m")]
        _ = try journal.commit(retry)
        #expect(try journal.queuedJobs().first?.notBefore != nil)
        var die = JournalCommit(now: Date())
        die.failures = [.init(jobId: id, attempts: 2, dead: true, notBefore: nil, code: "boom", message: "m")]
        _ = try journal.commit(die)
        #expect(try journal.deadLetters(limit: 10).map(\.id) == [id])
        #expect(try journal.requeueDeadLetters([], limit: 10).map(\.id) == [id])
        #expect(try journal.job(id)?.attempts == 0)
        #expect(try journal.deadLetters(limit: 10).isEmpty)
    }

    /// RETRY-DEAD-LETTERS may list any number of ids (2 million fit in a 16 MiB frame): more
    /// than SQLite's host parameters in one statement (32,766 by default, 250,000 in Debian's
    /// build) used to fail the whole request as `storage`. Repeated ids requeue their job once.
    @Test func requeueTakesMoreIdsThanOneStatementHolds() throws {
        let journal = try journal()
        var submit = JournalCommit(now: Date())
        submit.submissions = [JobSpec(kind: "system.echo", payload: []), JobSpec(kind: "system.echo", payload: [])]
        let ids = try journal.commit(submit).submissions.map(\.jobId)
        var die = JournalCommit(now: Date())
        die.failures = ids.map { .init(jobId: $0, attempts: 1, dead: true, notBefore: nil, code: "boom", message: "m") }
        _ = try journal.commit(die)
        let listed = [ids[1]] + (1...260_000).map { UInt64($0) + ids[1] } + [ids[1], ids[0]]
        #expect(try journal.requeueDeadLetters(listed, limit: 10).map(\.id) == ids)
        #expect(try journal.deadLetters(limit: 10).isEmpty)
    }

    /// Payload segments are kept while a queued or dead job points into them; the others go,
    /// except the newest, which appends continue in.
    @Test func payloadSegmentsGoWhenNoLiveJobNeedsThem() throws {
        let journal = try journal()
        let payloads = try ResultStore(root: directory.payloadRoot, committed: [:], segmentLimit: 4, terminator: [], fileExtension: "bin")
        var submit = JournalCommit(now: Date())
        for value in UInt8(1)...4 {
            submit.submissions.append(JobSpec(kind: "system.echo", payload: [value, value, value, value]))
            submit.payloadLocations.append(try payloads.append(kind: "jobs", documents: [[value, value, value, value]]))
            submit.segmentEnds = try payloads.sync()
        }
        #expect(submit.payloadLocations.map(\.file) == (1...4).map { "jobs/segment-00000\($0).bin" })
        #expect(payloads.rollovers == 4)
        let ids = try journal.commit(submit).submissions.map(\.jobId)
        payloads.markCommitted(submit.segmentEnds)

        var finish = JournalCommit(now: Date())
        let results = try ResultStore(directory: directory, committed: [:])
        let location = try results.append(kind: "system.echo", documents: [Array("{}".utf8)])
        finish.segmentEnds = try results.sync()
        finish.completions = [.init(jobId: ids[0], attempts: 1, location: location, isList: false)]
        finish.failures = [.init(jobId: ids[1], attempts: 1, dead: true, notBefore: nil, code: "boom", message: "m")]
        _ = try journal.commit(finish)

        let inUse = try journal.payloadFilesInUse()
        #expect(inUse == ["jobs/segment-000002.bin", "jobs/segment-000003.bin", "jobs/segment-000004.bin"], "dead and queued jobs")
        #expect(try payloads.removeSegments(kind: "jobs", keeping: inUse) == ["jobs/segment-000001.bin"])
        #expect(try payloads.removeSegments(kind: "jobs", keeping: []) == ["jobs/segment-000002.bin", "jobs/segment-000003.bin"],
                "never the newest")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.payloadRoot.appendingPathComponent("jobs").path)
        #expect(left == ["segment-000004.bin"])
        #expect(try payloads.read(submit.payloadLocations[3]) == [4, 4, 4, 4])
    }

    @Test func filesArePrivateToTheServiceAccount() throws {
        _ = try journal()
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.journalPath)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
        let rootAttributes = try FileManager.default.attributesOfItem(atPath: directory.root.path)
        #expect(rootAttributes[.posixPermissions] as? Int == 0o700)
    }
}
