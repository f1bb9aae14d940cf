#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import ChungTayClient
import ChungTayWire
import Foundation

/// `chungtay-bench disk-full`: a batch whose data directory's filesystem fills up mid-way
/// and then gets its space back.
struct DiskFullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disk-full",
        abstract: "Fill the data directory's filesystem mid-batch, then free it; nothing may be lost or claimed.",
        discussion: """
            --data-dir must be on a filesystem of its own (scripts/disk-full mounts a size-limited tmpfs), big \
            enough for the whole batch. At --fill-at of the batch's progress a filler file takes every free byte \
            of it (the workers and the client are frozen meanwhile). For --full-seconds the run submits probe jobs (system.echo, payload {"probe":N}) and asks for \
            the status, and measures the CPU time of the dispatcher and workers (/proc/PID/stat). Then the filler is removed, the \
            batch completes, the dispatcher is killed (-9) and started again. Checks: probes got `storage` \
            errors while full and the dispatcher answered and stayed up; every probe acknowledged (ACCEPTED) \
            exists and completed after the restart, no refused probe exists, none is stored twice; the \
            dispatcher used at most --cpu-bound of a core while full (no hot loop); the batch completed with \
            stores equal to an undisturbed run's. Exits 1 when a check fails.
            """)

    @Option(help: "The input directory (households.csv, loans.csv from `chungtay demo-data`).") var input: String
    @Option(help: "Where the undisturbed run (kept) and this run's logs go.") var work: String
    @Option(help: "A directory on the small filesystem: the data directory and the filler go there.") var dataDir: String
    @Option(help: "The chungtay executable.") var binary: String
    @Option(help: "The share of the batch's work done when the filesystem is filled.") var fillAt = 0.3
    @Option(help: "Seconds the filesystem stays full.") var fullSeconds = 8.0
    @Option(help: "The most CPU the dispatcher and the workers together may use while full, in cores.") var cpuBound = 0.5

    func run() throws {
        let work = URL(fileURLWithPath: self.work)
        let input = InputList(directory: URL(fileURLWithPath: self.input))
        let (reference, referenceData) = try input.reference(work: work, binary: binary)
        let started = ContinuousClock.now
        let small = URL(fileURLWithPath: dataDir)
        let filler = small.appendingPathComponent("filler")
        try? FileManager.default.removeItem(at: filler)
        var settings = input.settings(binary: binary, data: small.appendingPathComponent("data"),
                                      logs: work.appendingPathComponent("disk-full-\(input.label)/logs"))
        try? FileManager.default.removeItem(at: settings.dataDirectory)
        try? FileManager.default.removeItem(at: settings.logs)
        settings.workerKinds += ",\(TaskKind.systemEcho)"
        report("disk-full: \(reference.households) households, filled at \(Int(fillAt * 100)) % for \(fullSeconds) s; data in \(small.path)")
        let cluster = try BatchCluster(settings)
        defer { cluster.stopAll() }
        try cluster.startAll()
        guard let firstDispatcher = cluster.dispatcher else { throw ReliabilityError("no dispatcher") }

        while true {
            let (status, finished) = try cluster.watch()
            if finished { throw ReliabilityError("the batch completed before the fill point") }
            if let status, Double(status.workDone) >= fillAt * Double(reference.workUnits) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        // Frozen while the filler is written: a small batch would otherwise finish meanwhile.
        cluster.freezeAllButTheDispatcher(true)
        let filled = try Self.fill(filler)
        cluster.freezeAllButTheDispatcher(false)
        report("full: a \(filled / 1_048_576) MiB filler took the filesystem's free space")

        // A hot loop may burn the workers' CPU rather than the dispatcher's (a result the
        // dispatcher cannot store goes straight back to a worker), so both are measured.
        let measured = [firstDispatcher] + cluster.workers.compactMap { $0 }
        func cpuSeconds() -> [Double] { measured.map { $0.cpuSeconds() ?? .nan } }
        var probes = ProbeTally()
        let fullSince = ContinuousClock.now
        var cpuStart: (seconds: [Double], at: ContinuousClock.Instant)?
        var cpuUsed: [Double] = []
        while ContinuousClock.now - fullSince < .milliseconds(Int64(fullSeconds * 1000)) {
            probes.submitOne(endpoint: cluster.clientEndpoint)
            probes.askStatus(endpoint: cluster.clientEndpoint)
            // From the second second on, once everything has met the full disk.
            if cpuStart == nil, ContinuousClock.now - fullSince > .seconds(1) { cpuStart = (cpuSeconds(), ContinuousClock.now) }
            Thread.sleep(forTimeInterval: 0.2)
        }
        if let cpuStart {
            let elapsed = (ContinuousClock.now - cpuStart.at).seconds
            cpuUsed = zip(cpuSeconds(), cpuStart.seconds).map { ($0 - $1) / elapsed }
        }
        let cpuTotal = cpuUsed.reduce(0, +)
        let survived = firstDispatcher.isRunning
        let storageLines = firstDispatcher.standardError.components(separatedBy: "storage failure").count - 1
        let bufferLines = firstDispatcher.standardError.components(separatedBy: "cannot buffer a result").count - 1
        let whileFull = probes
        try FileManager.default.removeItem(at: filler)
        report("space back after \(String(format: "%.1f", (ContinuousClock.now - fullSince).seconds)) s full")
        if !survived { try cluster.startDispatcher() }
        // Probes once there is room again: these must be acknowledged, and outlive the crash below.
        // The dispatcher leaves its disk alone for up to StorageBackoff's longest pause (4 s)
        // after the last failure, so probing stops at the third acknowledgement, or after 20 s.
        let freedAt = ContinuousClock.now
        var firstAcceptedAfter: Double?
        while ContinuousClock.now - freedAt < .seconds(20), probes.accepted.count - whileFull.accepted.count < 3 {
            probes.submitOne(endpoint: cluster.clientEndpoint)
            if firstAcceptedAfter == nil, probes.accepted.count > whileFull.accepted.count {
                firstAcceptedAfter = (ContinuousClock.now - freedAt).seconds
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let afterFreed = probes.since(whileFull)

        try cluster.waitForClient()
        // Every acknowledged probe must survive a crash of the dispatcher that acknowledged it.
        cluster.dispatcher?.kill()
        try cluster.startDispatcher()
        let probeJobs = try probes.awaitAccepted(endpoint: cluster.clientEndpoint, limit: .seconds(300))
        let status = cluster.batchStatus(timeout: .seconds(10))
        cluster.stopAll()
        let stored = try ProbeTally.storedProbes(dataDirectory: settings.dataDirectory)
        let wall = (ContinuousClock.now - started).seconds

        report("""
            while full: probes \(whileFull.sent): \(whileFull.accepted.count) accepted, \(whileFull.refused[WireError.Code.storage.rawValue] ?? 0) storage errors\
            \(whileFull.refused.filter { $0.key != WireError.Code.storage.rawValue }.map { ", \($0.value) \($0.key)" }.joined()), \(whileFull.unanswered) unanswered; \
            status answered \(whileFull.statusAnswered) of \(whileFull.statusAsked)
            dispatcher: \(survived ? "stayed up" : "DIED") (its log while full: \(storageLines) storage failures, \(bufferLines) results not stored); \
            CPU while full: \(zip(measured, cpuUsed).map { "\($0.name) \(String(format: "%.2f", $1))" }.joined(separator: ", ")) \
            = \(String(format: "%.2f", cpuTotal)) cores (bound \(cpuBound))
            after space returned: probes \(afterFreed.sent): \(afterFreed.accepted) accepted\
            \(afterFreed.refused.sorted { $0.key < $1.key }.map { ", \($0.value) \($0.key)" }.joined()), \(afterFreed.unanswered) unanswered\
            \(firstAcceptedAfter.map { "; the first acknowledged \(String(format: "%.1f", $0)) s after" } ?? "")
            client started again after giving up: \(cluster.ownRestarts.client)
            """)
        var failures: [String] = []
        if (probes.refused[WireError.Code.storage.rawValue] ?? 0) == 0 { failures.append("no client got a storage error: the disk never filled as far as clients saw") }
        if !survived { failures.append("the dispatcher died while the disk was full") }
        if probes.statusAnswered == 0 { failures.append("the dispatcher answered no status request while full") }
        if cpuUsed.isEmpty || !(cpuTotal <= cpuBound) { failures.append("CPU while full above the bound: a hot loop") }
        if afterFreed.accepted == 0 { failures.append("no probe was acknowledged within 20 s after space returned") }
        failures += probes.check(jobs: probeJobs, stored: stored)

        let comparison = StoreComparison(
            run: try BatchDocuments(dataDirectory: settings.dataDirectory, batchId: status?.id ?? reference.batchId),
            reference: try BatchDocuments(dataDirectory: referenceData, batchId: reference.batchId))
        if !ChaosCommand.printComparison(comparison) { failures.append("the stores differ from the undisturbed run's") }
        let complete = status?.isComplete == true && status?.id == reference.batchId
        let dead = status?.jobs.dead ?? -1
        report("batch: \(complete ? "complete" : "NOT complete (\(status?.state ?? "no answer"))"), \(dead) dead jobs")
        if !complete || dead != 0 { failures.append("the batch did not complete cleanly") }
        report("wall time: \(String(format: "%.1f", wall)) s (the undisturbed run: \(String(format: "%.1f", reference.wallSeconds)) s)")
        guard failures.isEmpty else {
            for failure in failures { report("FAILED: \(failure)") }
            report("logs in \(settings.logs.path)")
            throw ExitCode.failure
        }
    }

    /// Writes zeros to `path` until the filesystem refuses (ENOSPC), 1 MiB and then 4 KiB at
    /// a time; returns the bytes written.
    static func fill(_ url: URL) throws -> Int {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ReliabilityError("cannot create \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var total = 0
        for size in [1 << 20, 4096] {
            let zeros = [UInt8](repeating: 0, count: size)
            while true {
                let written = zeros.withUnsafeBytes { write(descriptor, $0.baseAddress!, size) }
                if written > 0 { total += written; continue }
                if written < 0, errno == EINTR { continue }
                guard written == 0 || errno == ENOSPC else {
                    throw ReliabilityError("writing \(url.path): \(String(cString: strerror(errno)))")
                }
                break
            }
        }
        return total
    }
}
