import Foundation
import Testing

/// Every file under `directory` (relative path → bytes).
func snapshot(_ directory: URL) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    while let relative = enumerator?.nextObject() as? String {
        if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(relative).path),
           enumerator?.fileAttributes?[.type] as? FileAttributeType == .typeRegular {
            files[relative] = data
        }
    }
    return files
}

extension SystemTests {
    /// An export that fails while putting the new files in place leaves the earlier export
    /// whole. The failure is real: `strace` makes every rename of the export process fail
    /// (EIO). The old export deleted each earlier entry before renaming the new one over it.
    @Test func failedReExportLeavesTheEarlierExportWhole() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            print("skipped: no /usr/bin/strace to make the export's renames fail")
            return
        }
        let sandbox = try Sandbox("exportswap")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint, kinds: pipelineKinds)
        let id = try sandbox.completedBatch(households: 80, seed: 7, endpoint: dispatcher.clientEndpoint)
        // notifications.csv shows each recipient's delivery state: the exports compared below
        // must all see the same.
        try sandbox.waitUntilNotificationsFollowed(batch: id)
        let out = sandbox.root.appendingPathComponent("exports/out")
        let first = try sandbox.cli(["batch", "export", id, "--out", out.path, "--connect", dispatcher.clientEndpoint])
        #expect(first.status == 0, "\(first)")
        let earlier = snapshot(out)
        #expect(earlier.keys.contains("notifications.csv") && earlier.keys.contains { $0.hasPrefix("communes/") })

        let failing = Process()
        failing.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        failing.arguments = [
            "-f", "-o", "/dev/null", "-e", "trace=rename,renameat,renameat2", "-e", "inject=rename,renameat,renameat2:error=EIO",
            sandbox.binary.path, "batch", "export", id, "--out", out.path, "--connect", dispatcher.clientEndpoint,
        ]
        failing.standardOutput = FileHandle.nullDevice
        failing.standardError = FileHandle.nullDevice
        try failing.run()
        failing.waitUntilExit()
        #expect(failing.terminationStatus != 0, "the renames failed, so the export must fail")
        let afterFailure = snapshot(out)
        let whole = afterFailure == earlier
        #expect(whole, "the earlier export is whole; missing: \(Set(earlier.keys).subtracting(afterFailure.keys).sorted().prefix(5))")

        let again = try sandbox.cli(["batch", "export", id, "--out", out.path, "--connect", dispatcher.clientEndpoint])
        #expect(again.status == 0, "\(again)")
        let same = snapshot(out) == earlier
        #expect(same, "the same batch exports the same files")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        #expect(leftovers == ["out"], "no staging directory or earlier export left beside DIR")
    }
}
