import ArgumentParser
import ChungTayWire
import Foundation
import ZeroMQ

/// `chungtay-bench cluster-local`: a batch across network namespaces with CURVE, one
/// worker's link cut for longer than the liveness time mid-batch and restored, then the
/// stores against an undisturbed run's. `scripts/cluster-local` makes the namespaces and
/// keys and runs this inside the client's namespace.
struct ClusterLocalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster-local",
        abstract: "Cut a worker's link mid-batch across network namespaces; the stores must equal an undisturbed run's.",
        discussion: """
            Runs in the client's network namespace, as scripts/cluster-local starts it. The dispatcher runs in \
            --dispatcher-netns bound on --dispatcher-address with --curve-secret KEYS/dispatcher.key_secret and \
            --allow KEYS/allow; worker N in the Nth --worker-netns with KEYS/wN.key_secret; `batch submit --wait` \
            here with KEYS/client.key_secret. Once the batch has done --cut-at of its work and completed some jobs, \
            the switch-side end (--worker-link, in --switch-netns) of worker --cut-worker's link goes down for \
            --cut-seconds and comes up again. Checks: the dispatcher declared that worker gone while the batch ran, \
            the worker registered again after the link came back, the batch completed without dead jobs, and every \
            document equals the undisturbed run's (the same keys and processes on loopback, kept under --work): none lost, none twice, \
            none different. Exits 1 otherwise.
            """)

    @Option(help: "The input directory (households.csv, loans.csv from `chungtay demo-data`).") var input: String
    @Option(help: "Where the undisturbed run (kept) and this run's data and logs go.") var work: String
    @Option(help: "The chungtay executable.") var binary: String
    @Option(help: "The `ip` executable (iproute2).") var ip = "/usr/sbin/ip"
    @Option(help: "The keys directory (see the discussion).") var keys: String
    @Option(help: "The dispatcher's network namespace.") var dispatcherNetns: String
    @Option(help: "The dispatcher's address in it.") var dispatcherAddress: String
    @Option(help: "A worker's network namespace (one worker each, in order).") var workerNetns: [String]
    @Option(help: "A worker's address (in the order of --worker-netns).") var workerAddress: [String]
    @Option(help: "The switch-side interface of a worker's link (in the order of --worker-netns).") var workerLink: [String]
    @Option(help: "The namespace holding the switch (the bridge and the links' switch-side ends).") var switchNetns: String
    @Option(help: "This namespace and address, for the summary.") var clientNetns: String
    @Option(help: "This namespace's address, for the summary.") var clientAddress: String
    @Option(help: "The worker whose link is cut (1-based).") var cutWorker = 1
    @Option(help: "Seconds the link stays down.") var cutSeconds = 8.0
    @Option(help: "The share of the batch's work done when the link is cut.") var cutAt = 0.15

    func validate() throws {
        guard !workerNetns.isEmpty, workerNetns.count == workerAddress.count, workerNetns.count == workerLink.count else {
            throw ValidationError("give --worker-netns, --worker-address and --worker-link once per worker")
        }
        guard workerNetns.indices.contains(cutWorker - 1) else { throw ValidationError("--cut-worker must name one of the workers") }
        guard cutSeconds > 0, cutAt >= 0, cutAt < 1 else { throw ValidationError("--cut-seconds > 0 and 0 <= --cut-at < 1") }
    }

    func run() throws {
        let work = URL(fileURLWithPath: self.work)
        let input = InputList(directory: URL(fileURLWithPath: self.input))
        let keys = URL(fileURLWithPath: self.keys)
        func key(_ name: String) -> String { keys.appendingPathComponent(name).path }
        let serverKey = key("dispatcher.key")
        let clientKeys = try CurveKeys.client(serverKey: serverKey, secretKey: key("client.key_secret"))
        // The keys' names, not the keys, reach the stores (the summary's audit says `submittedBy:
        // clients/client`), so a reference made with other keys of the same names still compares.
        func secured(_ settings: BatchCluster.Settings) -> BatchCluster.Settings {
            var settings = settings
            settings.workerCount = workerNetns.count
            settings.dispatcherArguments = ["--curve-secret", key("dispatcher.key_secret"), "--allow", key("allow")]
            settings.workerArguments = workerNetns.indices.map { ["--server-key", serverKey, "--key", key("w\($0 + 1).key_secret")] }
            settings.clientArguments = ["--server-key", serverKey, "--key", key("client.key_secret")]
            settings.statusKeys = clientKeys
            return settings
        }
        // The undisturbed run: the same keys and processes on this namespace's loopback.
        let (reference, referenceData) = try ReferenceRun.load(directory: work.appendingPathComponent("reference-curve-" + input.label)) {
            secured(input.settings(binary: binary, data: $0, logs: $1))
        }
        let started = ContinuousClock.now
        let directory = work.appendingPathComponent("cluster-local-\(input.label)")
        try? FileManager.default.removeItem(at: directory)
        let launcher = { (namespace: String) in [ip, "netns", "exec", namespace] }
        var settings = secured(input.settings(binary: binary, data: directory.appendingPathComponent("data"),
                                              logs: directory.appendingPathComponent("logs")))
        settings.dispatcherAddress = dispatcherAddress
        settings.dispatcherLauncher = launcher(dispatcherNetns)
        settings.workerLaunchers = workerNetns.map(launcher)
        let victim = "w\(cutWorker)"
        let link = workerLink[cutWorker - 1]

        report("cluster-local: \(reference.households) households, CURVE on; run in \(directory.path)")
        report("  dispatcher  \(dispatcherNetns)  \(dispatcherAddress)")
        for index in workerNetns.indices {
            report("  worker w\(index + 1)   \(workerNetns[index])  \(workerAddress[index])  (link \(workerLink[index]) on the switch)")
        }
        report("  client      \(clientNetns)  \(clientAddress)  (batch submit, status; this run)")
        report("  switch      \(switchNetns)  (a bridge; each namespace has one veth to it)")

        let cluster = try BatchCluster(settings)
        defer { cluster.stopAll() }
        try cluster.startAll()
        guard let dispatcher = cluster.dispatcher else { throw ReliabilityError("no dispatcher") }
        report("dispatcher bound \(cluster.clientEndpoint) (clients), \(cluster.workerEndpoint) (workers)")

        // The cut waits for the batch's own progress, so it lands mid-batch however fast the build.
        var atCut: BatchStatus?
        while true {
            let (status, finished) = try cluster.watch()
            if finished {
                throw ReliabilityError("the batch completed before the cut point (\(Int(cutAt * 100)) %): give it more households")
            }
            if let status, status.jobs.completed > 0, Double(status.workDone) >= cutAt * Double(reference.workUnits) {
                atCut = status
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let logStart = dispatcher.standardError.utf8.count
        let cutStart = ContinuousClock.now
        try runIP(["-n", switchNetns, "link", "set", "dev", link, "down"])
        let share = Double(atCut?.workDone ?? 0) / Double(max(reference.workUnits, 1))
        report("cut: \(victim)'s link (\(link) down in \(switchNetns)) at \(String(format: "%.1f", (cutStart - started).seconds)) s, "
               + "\(String(format: "%.0f", share * 100)) % of the batch's work done, \(atCut?.jobs.completed ?? 0) jobs completed")

        // While the link is down: when the dispatcher gives the worker up, and whether the batch still ran then.
        var gone: (after: Double, line: String, batchRunning: Bool)?
        while ContinuousClock.now - cutStart < .milliseconds(Int64(cutSeconds * 1000)) {
            let (status, finished) = try cluster.watch()
            if gone == nil, let line = Self.logLine(dispatcher, from: logStart, containing: ["worker gone", victim]) {
                gone = ((ContinuousClock.now - cutStart).seconds, line, !(finished || status?.isComplete == true))
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        try runIP(["-n", switchNetns, "link", "set", "dev", link, "up"])
        let restoredAt = ContinuousClock.now
        report("restored: \(link) up after \(String(format: "%.1f", (restoredAt - cutStart).seconds)) s")

        // Back when the dispatcher has its READY again; the batch may finish meanwhile.
        var back: (after: Double, batchRunning: Bool)?
        var doneWhenBack: Int?
        while back == nil, ContinuousClock.now - restoredAt < .seconds(60) {
            let (status, finished) = try cluster.watch()
            if gone == nil, let line = Self.logLine(dispatcher, from: logStart, containing: ["worker gone", victim]) {
                gone = ((ContinuousClock.now - cutStart).seconds, line, !(finished || status?.isComplete == true))
            }
            if let gone, Self.logLine(dispatcher, from: logStart, containing: ["worker ready", victim], after: gone.line) != nil {
                back = ((ContinuousClock.now - restoredAt).seconds, !(finished || status?.isComplete == true))
                doneWhenBack = try operatorStatusReport(endpoint: cluster.clientEndpoint, serverKey: serverKey, secretKey: key("operator.key_secret"))?
                    .workers.first { $0.name == victim && $0.state != .lost }?.done
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        try cluster.waitForClient()
        let operatorStatus = try operatorStatusReport(endpoint: cluster.clientEndpoint, serverKey: serverKey, secretKey: key("operator.key_secret"))
        let status = cluster.batchStatus(timeout: .seconds(10))
        cluster.stopAll()
        let wall = (ContinuousClock.now - started).seconds

        let workerLog = cluster.workers[cutWorker - 1].map { $0.standardError } ?? ""
        let silentLines = workerLog.split(separator: "\n").filter { $0.contains("dispatcher silent") }.count
        if let gone {
            report("dispatcher: gave \(victim) up \(String(format: "%.1f", gone.after)) s into the cut"
                   + "\(gone.batchRunning ? ", mid-batch" : ", AFTER the batch completed"):")
            report("  " + gone.line)
        } else {
            report("dispatcher: never logged \(victim) gone")
        }
        report("\(victim): \(silentLines) 'dispatcher silent; reconnecting' in its log; "
               + (back.map { "registered again \(String(format: "%.1f", $0.after)) s after the link came back\($0.batchRunning ? ", mid-batch" : ", after the batch completed")" }
                  ?? "NOT registered again within 60 s of the link coming back"))
        if let operatorStatus {
            let outcomes = operatorStatus.tasks.values
            let failed = outcomes.map(\.failed).reduce(0, +)
            let retried = outcomes.map(\.retried).reduce(0, +)
            let workers = operatorStatus.workers.map { "\($0.name) \($0.state.rawValue) done \($0.done)" }.joined(separator: ", ")
            report("status (operator key): failed attempts \(failed), retried \(retried), dead letters \(operatorStatus.deadLetters); workers: \(workers)")
            if let doneWhenBack, let done = operatorStatus.workers.first(where: { $0.name == victim && $0.state != .lost })?.done {
                report("\(victim) finished \(done - doneWhenBack) tasks after it came back (\(doneWhenBack) before)")
            }
        } else {
            report("status (operator key): no answer")
        }

        let comparison = StoreComparison(
            run: try BatchDocuments(dataDirectory: settings.dataDirectory, batchId: status?.id ?? reference.batchId),
            reference: try BatchDocuments(dataDirectory: referenceData, batchId: reference.batchId))
        var failures: [String] = []
        if !ChaosCommand.printComparison(comparison) { failures.append("the stores differ from the undisturbed run's") }
        let complete = status?.isComplete == true && status?.id == reference.batchId
        let dead = status?.jobs.dead ?? -1
        report("batch: \(complete ? "complete" : "NOT complete (\(status?.state ?? "no answer"))"), \(dead) dead jobs; "
               + "client restarts \(cluster.ownRestarts.client), worker restarts \(cluster.ownRestarts.workers)")
        report("wall time: \(String(format: "%.1f", wall)) s (the undisturbed run on loopback: \(String(format: "%.1f", reference.wallSeconds)) s)")
        if !complete || dead != 0 { failures.append("the batch did not complete cleanly") }
        if gone == nil { failures.append("the dispatcher did not declare \(victim) gone: the cut was shorter than the liveness time or missed") }
        if gone?.batchRunning == false {
            failures.append("the batch completed before the dispatcher gave \(victim) up: give it more households")
        }
        if back == nil { failures.append("\(victim) did not come back after its link did") }
        guard failures.isEmpty else {
            for failure in failures { report("FAILED: \(failure)") }
            report("logs in \(settings.logs.path)")
            throw ExitCode.failure
        }
    }

    private func runIP(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ip)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ReliabilityError("`ip \(arguments.joined(separator: " "))` failed (exit \(process.terminationStatus))")
        }
    }

    /// `chungtay status --json` with the operator's key, as an operator would ask it.
    private func operatorStatusReport(endpoint: String, serverKey: String, secretKey: String) throws -> StatusReport? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["status", "--connect", endpoint, "--server-key", serverKey, "--key", secretKey, "--json", "--timeout", "10"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try? StatusReport(json: Array(bytes))
    }

    /// The first line of the process's log from byte `start` on (after the line `after`,
    /// when given) that contains all of `words`.
    static func logLine(_ process: ServiceProcess, from start: Int, containing words: [String], after: String? = nil) -> String? {
        var text = Substring(String(decoding: process.standardError.utf8.dropFirst(start), as: UTF8.self))
        if let after {
            guard let range = text.range(of: after) else { return nil }
            text = text[range.upperBound...]
        }
        return text.split(separator: "\n").first { line in words.allSatisfy { line.contains($0) } }.map(String.init)
    }
}

/// CURVE key files as `chungtay keys generate` writes them: one Z85 line (comments after it).
enum CurveKeys {
    static func client(serverKey: String, secretKey: String) throws -> CurveClientKeys {
        let secret = try firstLine(secretKey)
        return CurveClientKeys(serverPublicKey: try firstLine(serverKey),
                               keyPair: CurveKeyPair(publicKey: try CurveKeyPair.publicKey(forSecret: secret), secretKey: secret))
    }

    private static func firstLine(_ path: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let line = text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) })
            .first(where: { !$0.isEmpty && !$0.hasPrefix("#") }) else {
            throw ReliabilityError("\(path) holds no key")
        }
        return line
    }
}
