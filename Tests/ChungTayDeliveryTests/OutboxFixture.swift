import ChungTayStore
import ChungTayWire
import Foundation

/// A data directory with a real journal and store where notifications are committed as the
/// dispatcher commits them (a `notify.emit` job completed with outbox keys): what the
/// delivery services read.
struct OutboxFixture {
    let directory: DataDirectory

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-outbox-\(UUID().uuidString)")
        directory = DataDirectory(root: root)
        try directory.prepare()
    }

    /// A notification document as `notify.emit` stores it (the fields delivery reads).
    static func notification(_ key: String, phone: String? = "0912345678") -> [UInt8] {
        let phoneMember = phone.map { #","phone":"\#($0)""# } ?? ""
        return Array(#"""
            {"taskId":"1","kind":"notify.emit","type":"due_reminder","dedupKey":"\#(key)","subject":"L1","recipients":[{"role":"borrower","id":"H1","channel":"sms"\#(phoneMember)},{"role":"group_leader","id":"G1","channel":"group_list"}],"message_vi":"Hộ","sms":"NHCSXH: Ho H1"}
            """#.utf8)
    }

    /// Submits and completes one `notify.emit` job of `batchId` storing `documents`, each
    /// under its key; returns the commit time used.
    func store(_ documents: [(key: String, bytes: [UInt8])], batchId: String?, journal: JobJournal, now: Date = Date()) throws {
        var submit = JournalCommit(now: now)
        submit.submissions = [JobSpec(kind: "notify.emit", payload: [])]
        let id = try journal.commit(submit).submissions[0].jobId
        let store = try ResultStore(directory: directory, committed: try journal.committedSegments())
        let lines = DocumentLines(documents.map(\.bytes))
        let location = try store.append(kind: "notify.emit", lines: lines)
        var finish = JournalCommit(now: now)
        finish.segmentEnds = try store.sync()
        var completion = JournalCommit.Completion(jobId: id, attempts: 1, location: location, isList: true, batchId: batchId)
        var offset = location.offset
        for (index, document) in documents.enumerated() {
            completion.outbox.append(.init(
                key: OutboxKey(dedupKey: document.key, expiresOn: 20_000),
                location: ResultLocation(file: location.file, offset: offset, length: Int64(document.bytes.count))))
            offset += Int64(lines.length(ofLine: index))
        }
        finish.completions = [completion]
        _ = try journal.commit(finish)
    }
}
