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
            lost, none twice, none different, and the batch complete. When the batch finishes before the \
            schedule's last kills, the rounds left run in a further pass on a fresh data directory, so every \
            run makes all its kills. Exits 1 otherwise.
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
        report("chaos: seed \(seed), \(rounds) rounds on \(reference.households) households; run in \(directory.path)")
        report("schedule: \(schedule)")

        // A batch can finish before the schedule's last kills when they fall close together
        // (each restart takes time while the rest of the cluster goes on). The rounds left
        // then run against the same batch again on a fresh data directory, so every run
        // makes all its kills; each pass makes at least one, since its first point is below 80 %.
        var remaining = schedule.rounds[...]
        var passes: [Pass] = []
        while !remaining.isEmpty || passes.isEmpty {
            let number = passes.count + 1
            let pass = try runPass(remaining, number: number, directory: directory.appendingPathComponent("pass-\(number)"),
                                   input: input, reference: reference, referenceData: referenceData)
            remaining = remaining.dropFirst(pass.killed)
            if !remaining.isEmpty {
                report("pass \(number): the batch finished before round \(rounds - remaining.count + 1); \(remaining.count) rounds go to a new pass")
            }
            passes.append(pass)
            guard pass.isClean else { break }
        }
        let wall = (ContinuousClock.now - started).seconds

        let types = ["dispatcher", "worker", "client"]
        let kills = passes.reduce(into: [String: Int]()) { total, pass in total.merge(pass.kills, uniquingKeysWith: +) }
        let restarts = passes.reduce(into: [String: Int]()) { total, pass in total.merge(pass.restarts, uniquingKeysWith: +) }
        let killed = passes.map(\.killed).reduce(0, +)
        report("""
            chaos seed \(seed): \(killed) of \(rounds) rounds in \(passes.count) batch run(s) of \(reference.households) households
            kills:    \(types.map { "\($0) \(kills[$0] ?? 0)" }.joined(separator: ", "))
            restarts: \(types.map { "\($0) \(restarts[$0] ?? 0)" }.joined(separator: ", ")) after kills; \
            after ending on their own: client \(passes.map(\.ownRestarts.client).reduce(0, +)), \
            worker \(passes.map(\.ownRestarts.workers).reduce(0, +))
            """)
        var clean = true
        for (index, pass) in passes.enumerated() {
            report("pass \(index + 1) (\(pass.killed) kills, \(pass.batchId)):")
            clean = ChaosCommand.printComparison(pass.comparison) && clean
            report("batch: \(pass.complete ? "complete" : "NOT complete (\(pass.state))"), \(pass.dead) dead jobs")
        }
        report("wall time: \(String(format: "%.1f", wall)) s (the undisturbed run: \(String(format: "%.1f", reference.wallSeconds)) s)")
        guard clean, passes.allSatisfy(\.isClean), killed == rounds else {
            report("FAILED; logs in \(directory.path)/pass-*/logs")
            throw ExitCode.failure
        }
    }

    /// One batch run under (a part of) the schedule.
    struct Pass {
        var killed = 0
        var kills: [String: Int] = [:]
        var restarts: [String: Int] = [:]
        var ownRestarts = BatchCluster.Restarts()
        var comparison: StoreComparison
        var batchId: String
        var complete: Bool
        var state: String
        var dead: Int

        var isClean: Bool { comparison.isClean && complete && dead == 0 }
    }

    /// Runs the batch from scratch, making the kills of `rounds` until it finishes, then
    /// compares its documents with the undisturbed run's.
    private func runPass(_ rounds: ArraySlice<ChaosSchedule.Round>, number: Int, directory: URL, input: InputList,
                         reference: ReferenceRun, referenceData: URL) throws -> Pass {
        var settings = input.settings(binary: binary, data: directory.appendingPathComponent("data"),
                                      logs: directory.appendingPathComponent("logs"))
        settings.maxAttempts = self.rounds + 5
        let cluster = try BatchCluster(settings)
        defer { cluster.stopAll() }
        try cluster.startAll()

        var killed = 0
        var kills: [String: Int] = [:]
        var restarts: [String: Int] = [:]
        rounds: for round in rounds {
            while true {
                let (status, finished) = try cluster.watch()
                if finished { break rounds }
                if let status, Double(status.workDone) >= round.progress * Double(reference.workUnits) { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            Thread.sleep(forTimeInterval: Double(round.delayMilliseconds) / 1000)
            let type = round.victim.processType
            switch round.victim {
            case .dispatcher: cluster.dispatcher?.kill()
            case .worker(let index): cluster.workers[index]?.kill()
            case .client: cluster.client?.kill()
            }
            kills[type, default: 0] += 1
            killed += 1
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
        let comparison = StoreComparison(
            run: try BatchDocuments(dataDirectory: settings.dataDirectory, batchId: status?.id ?? reference.batchId),
            reference: try BatchDocuments(dataDirectory: referenceData, batchId: reference.batchId))
        return Pass(killed: killed, kills: kills, restarts: restarts, ownRestarts: cluster.ownRestarts, comparison: comparison,
                    batchId: status?.id ?? "no batch", complete: status?.isComplete == true && status?.id == reference.batchId,
                    state: status?.state ?? "no answer", dead: status?.jobs.dead ?? -1)
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
