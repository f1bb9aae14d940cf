#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ChungTayClient
import ChungTayWire
import Foundation
import ZeroMQ

/// The processes of one batch run on this machine: a dispatcher on a data directory, two
/// workers of one executor each (as `scripts/bench-batch`) and the `batch submit --wait`
/// client. Each can be killed and started again on the same endpoints; every incarnation
/// logs to its own files under `logs`.
final class BatchCluster {
    struct Settings {
        var binary: URL
        var dataDirectory: URL
        var logs: URL
        var households: URL
        var loans: URL
        /// The reference and the disturbed runs use the same name, which the summary carries.
        var batchName = "reliability"
        var asOf = "2026-11-27"
        var workerKinds = [TaskKind.householdReview, .loanStatus, .notifyEmit].map(\.rawValue).joined(separator: ",")
        /// Beyond the default: a chaos run's kills of workers count as attempts, and must
        /// not turn a task into a dead letter (a poison-task guard, not a loss).
        var maxAttempts: Int?
        var workerCount = 2
        /// Where the dispatcher binds its client, worker and log endpoints (free ports).
        var dispatcherAddress = "127.0.0.1"
        /// Commands that exec the dispatcher and each worker (by index), such as
        /// `ip netns exec NS` to run them in a network namespace; empty runs them here.
        var dispatcherLauncher: [String] = []
        var workerLaunchers: [[String]] = []
        /// Further arguments of the dispatcher, of each worker (by index) and of the client:
        /// their CURVE keys, for one.
        var dispatcherArguments: [String] = []
        var workerArguments: [[String]] = []
        var clientArguments: [String] = []
        /// The keys `batchStatus` connects with when the dispatcher runs CURVE.
        var statusKeys: CurveClientKeys?
    }

    let settings: Settings
    private(set) var dispatcher: ServiceProcess?
    private(set) var workers: [ServiceProcess?]
    private(set) var client: ServiceProcess?
    private(set) var clientEndpoint: String
    private(set) var workerEndpoint: String
    private var incarnations: [String: Int] = [:]

    init(_ settings: Settings) throws {
        self.settings = settings
        workers = Array(repeating: nil, count: settings.workerCount)
        clientEndpoint = "tcp://\(settings.dispatcherAddress):*"
        workerEndpoint = clientEndpoint
        try FileManager.default.createDirectory(at: settings.logs, withIntermediateDirectories: true)
    }

    private func launch(_ role: String, _ arguments: [String], launcher: [String] = []) throws -> ServiceProcess {
        let number = (incarnations[role] ?? 0) + 1
        incarnations[role] = number
        return try ServiceProcess("\(role)-\(number)", binary: settings.binary, arguments: arguments, logs: settings.logs, launcher: launcher)
    }

    /// The first start binds free ports and reads them from the ready line; later starts
    /// bind the same ones, and `waitUntilReady` false returns at once (a chaos schedule may
    /// kill it again while it is still recovering).
    func startDispatcher(waitUntilReady: Bool = true) throws {
        var arguments = ["dispatcher", "--data-dir", settings.dataDirectory.path, "--client-endpoint", clientEndpoint,
                         "--worker-endpoint", workerEndpoint, "--log-endpoint", "tcp://\(settings.dispatcherAddress):*", "--log-level", "info"]
        if let maxAttempts = settings.maxAttempts { arguments += ["--max-attempts", String(maxAttempts)] }
        let process = try launch("dispatcher", arguments + settings.dispatcherArguments, launcher: settings.dispatcherLauncher)
        dispatcher = process
        guard waitUntilReady || clientEndpoint.hasSuffix("*") else { return }
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let output = process.standardOutput
            if let line = output.split(separator: "\n").first(where: { $0.contains(#""ready""#) }),
               let ready = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
               let client = ready["clientEndpoint"], let worker = ready["workerEndpoint"] {
                clientEndpoint = client
                workerEndpoint = worker
                return
            }
            guard process.isRunning else {
                throw ReliabilityError("\(process.name) exited before it was ready: \(process.standardError.suffix(2000))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ReliabilityError("\(process.name) not ready within 120 s")
    }

    func startWorker(_ index: Int) throws {
        workers[index] = try launch("worker\(index + 1)", [
            "worker", "--connect", workerEndpoint, "--name", "w\(index + 1)", "--concurrency", "1",
            "--kinds", settings.workerKinds, "--log-level", "info",
        ] + (settings.workerArguments.indices.contains(index) ? settings.workerArguments[index] : []),
        launcher: settings.workerLaunchers.indices.contains(index) ? settings.workerLaunchers[index] : [])
    }

    /// `batch submit --wait` under the run's name: a new incarnation resumes the batch.
    func startClient() throws {
        client = try launch("client", [
            "batch", "submit", "--connect", clientEndpoint, "--households", settings.households.path,
            "--loans", settings.loans.path, "--as-of", settings.asOf, "--name", settings.batchName, "--wait",
        ] + settings.clientArguments)
    }

    func startAll() throws {
        try startDispatcher()
        for index in workers.indices { try startWorker(index) }
        try startClient()
    }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) the workers and the client, so that something
    /// slow (filling a disk) happens at a chosen point of the batch, however fast it runs.
    func freezeAllButTheDispatcher(_ frozen: Bool) {
        for process in workers + [client] { process?.signal(frozen ? SIGSTOP : SIGCONT) }
    }

    /// Stops everything gracefully, the dispatcher last, so its stores are final.
    func stopAll() {
        client?.stop()
        for worker in workers { worker?.stop() }
        dispatcher?.stop()
    }

    /// The batch's status now, or nil when the dispatcher does not answer or does not
    /// know the batch yet. A new connection each time: one to a killed dispatcher may
    /// hold requests that will never be answered.
    func batchStatus(timeout: Duration = .seconds(2)) -> BatchStatus? {
        guard let connection = try? DispatcherClient(endpoint: clientEndpoint, timeout: timeout, curve: settings.statusKeys) else { return nil }
        return try? connection.batchStatus(settings.batchName).status
    }

    /// What `watch` did: processes that ended on their own and were started again.
    struct Restarts {
        /// The client gives up when the dispatcher is down longer than its timeout, or
        /// on a `storage` error; it is started again and resumes.
        var client = 0
        /// A worker never stops on its own: reported, and started again.
        var workers = 0
    }

    private(set) var ownRestarts = Restarts()
    private var lastProgress: (done: Int, at: ContinuousClock.Instant)?

    /// One look at the run: throws when the dispatcher ended on its own (nothing in a run
    /// stops it but a kill) or the batch made no progress for `stallLimit`; starts again a
    /// client or worker that ended on its own. Returns the batch's status, nil when the
    /// dispatcher does not answer, and whether the client finished (exit 0, or 1 with the
    /// batch complete: it has dead jobs, which the run reports).
    func watch(stallLimit: Duration = .seconds(300)) throws -> (status: BatchStatus?, finished: Bool) {
        if let dispatcher, !dispatcher.isRunning {
            throw ReliabilityError("""
                \(dispatcher.name) ended on its own (\(dispatcher.process.terminationReason == .exit ? "exit" : "signal") \
                \(dispatcher.process.terminationStatus)); its log ends:
                \(dispatcher.standardError.suffix(3000))
                """)
        }
        for index in workers.indices where workers[index]?.isRunning == false {
            ownRestarts.workers += 1
            try startWorker(index)
        }
        let status = batchStatus(timeout: .seconds(1))
        if let client, !client.isRunning {
            if client.exitStatus == 0 || status?.isComplete == true { return (status, true) }
            ownRestarts.client += 1
            try startClient()
        }
        if let status {
            let done = status.workDone
            if lastProgress?.done != done { lastProgress = (done, ContinuousClock.now) }
        }
        if let lastProgress, ContinuousClock.now - lastProgress.at > stallLimit {
            throw ReliabilityError("no progress for \(stallLimit) at \(lastProgress.done) chunks and jobs; logs in \(settings.logs.path)")
        }
        return (status, false)
    }

    /// Watches until the client has finished the batch.
    func waitForClient() throws {
        while try !watch().finished { Thread.sleep(forTimeInterval: 0.1) }
    }
}

extension BatchStatus {
    /// Chunks accepted and jobs completed: the work done so far.
    var workDone: Int { chunks.householdsAccepted + chunks.loansAccepted + jobs.completed }
}
