#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import ChungTayWire
import Foundation

/// `chungtay-bench chaos`: a whole batch while a seeded schedule kill -9s the dispatcher,
/// the workers and the submitting client, then the stores against an undisturbed run's.
struct ChaosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Kill -9 the batch's processes on a seeded schedule; the stores must equal an undisturbed run's.",
        discussion: """
            Runs the batch of INPUT (households.csv, loans.csv) with `batch submit --wait` and two workers. \
            Each round waits for a point of the batch's progress drawn from the seed, kills one process \
            (dispatcher, a worker or the client) with SIGKILL and starts it again: the dispatcher on the same \
            endpoints and data directory, the client with the same --name, so it resumes. Afterwards every \
            document of the batch (reviews, loan statuses, notifications, the summary) must equal the \
            undisturbed run's, ignoring taskId, processedAt, worker and the audit's times and workers: none \
            lost, none twice, none different, and the batch complete. Exits 1 otherwise.
            """)

    @Option(help: "The schedule's seed.") var seed: UInt64 = 1
    @Option(help: "Kills (one process each).") var rounds = 20
    @Option(help: "The input directory (households.csv, loans.csv from `chungtay demo-data`).") var input: String
    @Option(help: "Where the undisturbed run (kept) and this run's data and logs go.") var work: String
    @Option(help: "The chungtay executable.") var binary: String

    func run() throws {
        let work = URL(fileURLWithPath: self.work)
        let input = InputList(directory: URL(fileURLWithPath: self.input))
        let (reference, referenceData) = try input.reference(work: work, binary: binary)
        let started = ContinuousClock.now

        let schedule = ChaosSchedule(seed: seed, rounds: rounds, workers: 2)
        let directory = work.appendingPathComponent("chaos-\(input.label)-seed\(seed)")
        try? FileManager.default.removeItem(at: directory)
        var settings = input.settings(binary: binary, data: directory.appendingPathComponent("data"),
                                           logs: directory.appendingPathComponent("logs"))
        settings.maxAttempts = rounds + 5
        report("chaos: seed \(seed), \(rounds) rounds on \(reference.households) households; run in \(directory.path)")
        report("schedule: \(schedule)")
        let cluster = try BatchCluster(settings)
        defer { cluster.stopAll() }
        try cluster.startAll()

        var kills: [String: Int] = [:]
        var restarts: [String: Int] = [:]
        var finishedEarly = false
        for (number, round) in schedule.rounds.enumerated() {
            while true {
                let (status, finished) = try cluster.watch()
                if finished { finishedEarly = true; break }
                if let status, Double(status.workDone) >= round.progress * Double(reference.workUnits) { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            if finishedEarly {
                report("round \(number + 1): the batch finished before it; \(schedule.rounds.count - number) kills left undone")
                break
            }
            Thread.sleep(forTimeInterval: Double(round.delayMilliseconds) / 1000)
            let type = round.victim.processType
            switch round.victim {
            case .dispatcher: cluster.dispatcher?.kill()
            case .worker(let index): cluster.workers[index]?.kill()
            case .client: cluster.client?.kill()
            }
            kills[type, default: 0] += 1
            Thread.sleep(forTimeInterval: Double(round.downtimeMilliseconds) / 1000)
            switch round.victim {
            case .dispatcher: try cluster.startDispatcher(waitUntilReady: false)
            case .worker(let index): try cluster.startWorker(index)
            case .client: try cluster.startClient()
            }
            restarts[type, default: 0] += 1
        }
        try cluster.waitForClient()
        let status = cluster.batchStatus(timeout: .seconds(10))
        cluster.stopAll()
        let wall = (ContinuousClock.now - started).seconds

        let comparison = StoreComparison(
            run: try BatchDocuments(dataDirectory: settings.dataDirectory, batchId: status?.id ?? reference.batchId),
            reference: try BatchDocuments(dataDirectory: referenceData, batchId: reference.batchId))
        let complete = status?.isComplete == true && status?.id == reference.batchId
        let dead = status?.jobs.dead ?? -1
        let types = ["dispatcher", "worker", "client"]
        let killed = kills.values.reduce(0, +)
        report("""
            chaos seed \(seed): \(killed) of \(rounds) rounds, \(reference.households) households (\(status?.id ?? "no batch"))
            kills:    \(types.map { "\($0) \(kills[$0] ?? 0)" }.joined(separator: ", "))
            restarts: \(types.map { "\($0) \(restarts[$0] ?? 0)" }.joined(separator: ", ")) after kills; \
            after ending on their own: client \(cluster.ownRestarts.client), worker \(cluster.ownRestarts.workers)
            """)
        let clean = ChaosCommand.printComparison(comparison)
        report("batch: \(complete ? "complete" : "NOT complete (\(status?.state ?? "no answer"))"), \(dead) dead jobs")
        report("wall time: \(String(format: "%.1f", wall)) s (the undisturbed run: \(String(format: "%.1f", reference.wallSeconds)) s)")
        guard clean, complete, dead == 0, killed == rounds else {
            report("FAILED; logs in \(settings.logs.path)")
            throw ExitCode.failure
        }
    }

    /// Prints the comparison's counts and examples; true when it found nothing.
    static func printComparison(_ comparison: StoreComparison) -> Bool {
        let total = comparison.total
        let perKind = BatchDocuments.kinds.map { "\($0) \(comparison.byKind[$0]?.compared ?? 0)" }.joined(separator: ", ")
        report("documents compared: \(total.compared) (\(perKind))")
        report("lost \(total.lost), duplicated \(total.duplicated), differing \(total.differing)")
        for example in comparison.examples { report("  " + example) }
        return comparison.isClean
    }
}
