#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing

/// A size-limited tmpfs for a data directory (needs root); nil, with the reason printed,
/// where it cannot be mounted.
func mountSmallFilesystem(at directory: URL, megabytes: Int) throws -> URL? {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let mount = Process()
    mount.executableURL = URL(fileURLWithPath: "/bin/mount")
    mount.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", directory.path]
    mount.standardError = FileHandle.nullDevice
    do {
        try mount.run()
        mount.waitUntilExit()
    } catch {
        print("skipped: cannot run /bin/mount (\(error)); a full-disk test needs a size-limited tmpfs")
        return nil
    }
    guard mount.terminationStatus == 0 else {
        print("skipped: cannot mount a size-limited tmpfs at \(directory.path) (not root, or no mount permission here)")
        return nil
    }
    return directory
}

func unmount(_ directory: URL) {
    let umount = Process()
    umount.executableURL = URL(fileURLWithPath: "/bin/umount")
    umount.arguments = ["-l", directory.path]
    try? umount.run()
    umount.waitUntilExit()
}

/// Writes to `url` until the filesystem is full.
func fillFilesystem(with url: URL) {
    let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    let chunk = [UInt8](repeating: 0x46, count: 64 << 10)
    var size = chunk.count
    while size > 0 {
        if chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress!, size) }) < 0 { size /= 2 }
    }
}

extension SystemTests {
    /// A full disk under the data directory: results that cannot be stored wait out a
    /// growing storage backoff (no hot loop), submissions get `storage` errors, no attempt
    /// is counted; once space returns every job completes exactly once.
    @Test func fullDiskBacksOffAndResumesWithNothingLost() throws {
        let sandbox = try Sandbox("diskfull")
        defer { sandbox.close() }
        guard let mounted = try mountSmallFilesystem(at: sandbox.dataDir, megabytes: 8) else { return }
        defer { unmount(mounted) }
        let dispatcher = try sandbox.startDispatcher(extra: ["--max-attempts", "2"])
        let lines = try sandbox.writeFile("jobs.txt", numberedLines(40))
        let submitted = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--connect", dispatcher.clientEndpoint])
        #expect(submitted.status == 0, "\(submitted)")
        let ids = try jobIds(submitted)
        try #require(ids.count == 40, "\(submitted)")

        let filler = mounted.appendingPathComponent("filler")
        fillFilesystem(with: filler)
        _ = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint)
        // Each storage failure logs the pause it starts; they must grow (0.1 s, 0.2 s, …).
        let delays = try sandbox.eventually("five storage failures in the dispatcher's log", timeout: .seconds(90)) { () -> [Double]? in
            let found = dispatcher.process.stderr.split(separator: "\n")
                .filter { $0.contains("storage failure") }
                .compactMap { line -> Double? in
                    guard let range = line.range(of: "retryIn=") else { return nil }
                    return Double(line[range.upperBound...].prefix { $0 == "." || $0.isNumber })
                }
            return found.count >= 5 ? found : nil
        }
        #expect(delays == delays.sorted(), "the pause never shrinks while storage keeps failing: \(delays)")
        #expect(Set(delays).count >= 3, "the pause grows: \(delays)")
        let refused = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--connect", dispatcher.clientEndpoint])
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains("storage"), "\(refused)")

        try FileManager.default.removeItem(at: filler)
        try sandbox.waitForCompleted(40, kind: "system.echo", endpoint: dispatcher.clientEndpoint)
        let jobs = try expectEveryJobCompletedOnce(ids, sandbox: sandbox, endpoint: dispatcher.clientEndpoint)
        #expect(jobs.allSatisfy { $0["attempts"] as? Int == 1 }, "a storage failure counts no attempt: \(jobs.map { $0["attempts"] ?? "-" })")
    }
}
