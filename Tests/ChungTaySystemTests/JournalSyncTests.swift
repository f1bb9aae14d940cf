import Foundation
import Testing

extension SystemTests {
    /// An acknowledged job is on disk: every ACCEPTED comes after its commit's fsync of the
    /// journal's WAL. A kill -9 cannot show a missing one (the page cache outlives the
    /// process), so the dispatcher's syncs are watched: under `synchronous = NORMAL`, which
    /// GRDB's WAL set-up had left in place, this trace held no WAL sync at all.
    @Test func everyAcknowledgedSubmitFollowsASyncOfTheJournal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            print("skipped: no /usr/bin/strace to watch the dispatcher's fdatasync calls")
            return
        }
        let sandbox = try Sandbox("walsync")
        defer { sandbox.close() }
        let trace = sandbox.root.appendingPathComponent("strace.txt")
        let dispatcher = try sandbox.startDispatcher(launcher: [
            "/usr/bin/strace", "-f", "-qq", "-y", "-o", trace.path, "-e", "trace=fdatasync,fsync",
        ])
        // As in `newDirectoriesAreFsyncedInTheirParents`: strace's dispatcher is stopped by its data directory.
        defer {
            let arguments = ["-KILL", "-f", "--", "--data-dir \(sandbox.dataDir.path)"]
            if let pkill = try? Process.run(URL(fileURLWithPath: "/usr/bin/pkill"), arguments: arguments) { pkill.waitUntilExit() }
        }
        let submits = 3
        for number in 1...submits {
            let line = try sandbox.writeFile("job-\(number).txt", numberedLines(1))
            let submitted = try sandbox.cli(["submit", "system.echo", line.path, "--lines", "--connect", dispatcher.clientEndpoint])
            #expect(submitted.status == 0, "\(submitted)")
        }
        let walSyncs = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n").filter {
            $0.contains("sync(") && $0.contains("journal.sqlite-wal>") && $0.hasSuffix("= 0")
        }
        #expect(walSyncs.count >= submits, "\(walSyncs.count) syncs of the WAL for \(submits) acknowledged submits")
    }
}
