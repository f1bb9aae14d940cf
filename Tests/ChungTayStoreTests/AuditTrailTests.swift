#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import ChungTayStore

/// The audit trail's file rules: lines are appended whole, a torn line (a writer killed
/// mid-write) is ended by the next writer and skipped by the reader, never cut.
@Suite struct AuditTrailTests {
    func withDirectory(_ body: (DataDirectory) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try body(DataDirectory(root: root))
    }

    func line(_ event: AuditEvent, _ batch: String) -> [UInt8] {
        var bytes: [UInt8] = []
        AuditLine.append(to: &bytes, time: "2026-12-04T05:00:00.000Z", event: event, [
            "batch": .string(batch), "worker": .string("w\n1"), "tasks": .ids([1, 2, UInt64.max]),
            "jobs": .object(["dead": .integer(-1)]),
        ])
        return bytes
    }

    @Test func aTornLineIsEndedBySkippedAndCountedNeverCut() throws {
        try withDirectory { directory in
            let path = AuditTrail.path(in: directory)
            try AuditTrail(directory: directory).append(line(.batchOpened, "B1") + line(.batchSealed, "B1"))
            let torn = Array(#"{"time":"2026-12-04T05:00:01.000Z","event":"tasks.comp"#.utf8)
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(torn))
            try handle.close()

            var events: [String] = []
            #expect(try AuditEntry.scan(path: path) { events.append($0.event) } == 1)
            #expect(events == ["batch.opened", "batch.sealed"])

            let next = try AuditTrail(directory: directory)
            try next.append(line(.batchCompleted, "B2"))
            try next.sync()
            var entries: [AuditEntry] = []
            #expect(try AuditEntry.scan(path: path) { entries.append($0) } == 1)
            #expect(entries.map(\.event) == ["batch.opened", "batch.sealed", "batch.completed"])
            #expect(entries.map(\.batch) == ["B1", "B1", "B2"])
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes.count == 2 * line(.batchOpened, "B1").count + torn.count + 1 + line(.batchCompleted, "B2").count)

            var status = stat()
            #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
        }
    }

    /// Strings are escaped (no raw newline), ids stay exact, and a missing trail reads as empty.
    @Test func linesAreOneObjectEachAndAMissingTrailIsEmpty() throws {
        try withDirectory { directory in
            let bytes = line(.tasksCompleted, "B1")
            #expect(bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1)
            let entry = try #require(AuditEntry(line: Array(bytes.dropLast())))
            #expect(entry.object["worker"] == .string("w\n1"))
            #expect(entry.time == "2026-12-04T05:00:00.000Z")
            #expect(AuditEntry(line: Array(#"{"event":"x"}"#.utf8)) == nil)
            #expect(try AuditEntry.scan(path: AuditTrail.path(in: directory)) { _ in Issue.record("an entry in a missing file") } == 0)
        }
    }

    /// A write that stops part-way (here the file-size limit, as ENOSPC would) leaves a torn
    /// line; the retried append must end it first, not glue its first line to it. Run in a
    /// child process: the file-size limit is the whole process's.
    @Test func aRetryAfterAPartialWriteStartsOnItsOwnLine() async {
        await #expect(processExitsWith: .success) {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-audit-\(UUID().uuidString)")
            try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let trail = try? AuditTrail(directory: DataDirectory(root: root))
            guard let trail else { exit(2) }
            func line(_ batch: String) -> [UInt8] {
                var bytes: [UInt8] = []
                AuditLine.append(to: &bytes, time: "2026-12-04T05:00:00.000Z", event: .batchOpened, ["batch": .string(batch)])
                return bytes
            }
            signal(SIGXFSZ, SIG_IGN)
            var limit = rlimit(rlim_cur: rlim_t(line("B1").count / 2), rlim_max: rlim_t.max)
            setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
            guard (try? trail.append(line("B1"))) == nil else { exit(3) }
            limit.rlim_cur = rlim_t.max
            setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
            guard (try? trail.append(line("B1"))) != nil else { exit(4) }
            var batches: [String] = []
            let torn = try? AuditEntry.scan(path: AuditTrail.path(in: DataDirectory(root: root))) { batches.append($0.batch ?? "") }
            exit(torn == 1 && batches == ["B1"] ? 0 : 5)
        }
    }
}
