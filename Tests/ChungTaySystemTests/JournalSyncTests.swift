import Foundation
import Testing

extension SystemTests {
    /// An acknowledged job is on disk: every ACCEPTED comes after its commit's fsync of the
    /// journal's WAL. A kill -9 cannot show a missing one (the page cache outlives the
    /// process), so the dispatcher's syncs are watched: each submit, answered once its
    /// commit returned, must add a sync of the WAL to the trace (strace writes a call's line
    /// before the traced thread goes on). Under `synchronous = NORMAL`, which GRDB's WAL
    /// set-up had left in place, the submits added none.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "needs /usr/bin/strace"))
    func everyAcknowledgedSubmitFollowsASyncOfTheJournal() throws {
        let sandbox = try Sandbox("walsync")
        defer { sandbox.close() }
        let trace = sandbox.root.appendingPathComponent("strace.txt")
        let dispatcher = try sandbox.startTracedDispatcher(calls: "fdatasync,fsync", trace: trace, showingPaths: true)
        /// Syncs of the WAL begun so far (a call another thread's overlaps is split over two
        /// lines, and only the first names the file).
        func walSyncs() throws -> Int {
            try String(contentsOf: trace, encoding: .utf8).split(separator: "\n").filter {
                $0.contains("sync(") && $0.contains("journal.sqlite-wal>")
            }.count
        }
        for number in 1...3 {
            let before = try walSyncs()
            let line = try sandbox.writeFile("job-\(number).txt", numberedLines(1))
            let submitted = try sandbox.cli(["submit", "system.echo", line.path, "--lines", "--connect", dispatcher.clientEndpoint])
            #expect(submitted.status == 0, "\(submitted)")
            #expect(try walSyncs() > before, "submit \(number) was acknowledged with no sync of the WAL since the one before")
        }
    }
}
