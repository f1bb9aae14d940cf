import ArgumentParser
import ChungTayClient
import ChungTayWire
import Foundation
import Synchronization
import ZeroMQ

/// Set once a result could not be written: the run goes on, so that what it started is
/// stopped as usual, and ends with 1 (`finish()`). Foundation's `write(_:)` would trap.
let reportFailed = Atomic<Bool>(false)

/// Results go out as they are measured, even when standard output is a pipe.
func report(_ line: String) {
    do {
        try FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
    } catch {
        guard !reportFailed.exchange(true, ordering: .relaxed) else { return }
        try? FileHandle.standardError.write(contentsOf: Data("chungtay-bench: cannot write standard output: \(error)\n".utf8))
    }
}

/// Ends a run that succeeded: with 1 if a result could not be written.
func finish() -> Never {
    exit(reportFailed.load(ordering: .relaxed) ? 1 : 0)
}

/// `chungtay-bench`: end-to-end durable `system.echo` throughput with two worker
/// processes, against libzmq's own `zmq_proxy` ROUTER–DEALER forwarder carrying the
/// same request load (the ceiling for any broker on this machine), and the dispatcher's
/// resident memory with a million jobs queued.
///
/// Usage: chungtay-bench [JOBS] [QUEUED]   (defaults 200000 and 1000000)
///        chungtay-bench batch-floor HOUSEHOLDS [LOANS] AS-OF   (see `BatchFloor`)
///        chungtay-bench chaos|disk-full|cluster-local|compare-stores OPTIONS   (`scripts/chaos`, `scripts/disk-full`,
///            `scripts/cluster-local`; see --help)

let arguments = CommandLine.arguments
let reliabilityCommands: [any ParsableCommand.Type] = [ChaosCommand.self, DiskFullCommand.self, CompareStoresCommand.self, ClusterLocalCommand.self]
if arguments.count >= 2, let command = reliabilityCommands.first(where: { $0.configuration.commandName == arguments[1] }) {
    command.main(Array(arguments.dropFirst(2)))  // exits unless it succeeded
    finish()
}
if arguments.count >= 4, arguments[1] == "batch-floor" {
    do {
        try BatchFloor.run(households: arguments[2], loans: arguments.count > 4 ? arguments[3] : nil, asOf: arguments[arguments.count - 1])
        finish()
    } catch {
        try? FileHandle.standardError.write(contentsOf: Data("batch-floor failed: \(error)\n".utf8))
        exit(1)
    }
}
let jobCount = arguments.count > 1 ? Int(arguments[1]) ?? 200_000 : 200_000
let queuedCount = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("chungtay").path
let payload = Array(#"{"ping":"chung tay vi nguoi ngheo"}"#.utf8)
/// SUBMITs in flight: the most a client may keep (PROTOCOL.md, "A client that does not read its
/// replies"). The dispatcher queues at most 16 replies per client and libzmq frees that room in
/// steps of half, so with 16 in flight a turn that answers them all at once loses some ACCEPTEDs
/// and the submit waits for a receipt that never comes.
let submitWindow = 8

func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-bench-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func launch(_ arguments: [String], stdout: FileHandle? = nil) -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.standardOutput = stdout ?? FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try! process.run()
    return process
}

/// Starts a dispatcher on free ports and returns it with its endpoints.
func startDispatcher(dataDirectory: URL) -> (Process, client: String, worker: String) {
    let pipe = Pipe()
    let process = launch(["dispatcher", "--data-dir", dataDirectory.path, "--client-endpoint", "tcp://127.0.0.1:*",
                          "--worker-endpoint", "tcp://127.0.0.1:*", "--log-endpoint", "tcp://127.0.0.1:*", "--log-level", "warning"], stdout: pipe.fileHandleForWriting)
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) { line.append(pipe.fileHandleForReading.availableData) }
    let ready = try! JSONSerialization.jsonObject(with: line.prefix { $0 != UInt8(ascii: "\n") }) as! [String: String]
    return (process, ready["clientEndpoint"]!, ready["workerEndpoint"]!)
}

func completedCount(_ client: DispatcherClient) throws -> Int {
    guard case .statusReport(let document) = try client.call(.status) else { return 0 }
    return try StatusReport(json: document).queues[TaskKind.systemEcho.rawValue]?.completed ?? 0
}

func residentMemory(_ pid: Int32) -> (current: Int, peak: Int) {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    func field(_ name: String) -> Int {
        let line = status.split(separator: "\n").first { $0.hasPrefix(name) } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return (field("VmRSS:") / 1024, field("VmHWM:") / 1024)
}

/// Durable end-to-end: submit (acknowledged after fsync) → dispatch → 2 workers → result fsynced.
func measureDispatcher() throws -> Double {
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (dispatcher, clientEndpoint, workerEndpoint) = startDispatcher(dataDirectory: directory)
    let workers = (1...2).map { index in
        launch(["worker", "--connect", workerEndpoint, "--kinds", TaskKind.systemEcho.rawValue, "--concurrency", "1",
                "--name", "bench-\(index)", "--log-level", "warning"])
    }
    defer {
        for process in workers + [dispatcher] { process.terminate(); process.waitUntilExit() }
    }
    let client = try DispatcherClient(endpoint: clientEndpoint, timeout: .seconds(30))
    let start = Date()
    try client.submit((0..<jobCount).lazy.map { _ in JobSpec(kind: TaskKind.systemEcho.rawValue, payload: payload) }, batchSize: 1000, window: submitWindow) { _ in }
    while try completedCount(client) < jobCount { Thread.sleep(forTimeInterval: 0.05) }
    let seconds = Date().timeIntervalSince(start)
    let memory = residentMemory(dispatcher.processIdentifier)
    report("dispatcher: \(jobCount) durable system.echo jobs in \(String(format: "%.2f", seconds)) s = \(Int(Double(jobCount) / seconds)) jobs/s (2 workers; dispatcher peak RSS \(memory.peak) MB)")
    return Double(jobCount) / seconds
}

/// The same load through zmq_proxy: a DEALER client → ROUTER|proxy|DEALER → 2 DEALER echo workers,
/// pipelined with the same window, no disk.
func measureProxy() throws -> Double {
    let context = try ZMQContext()
    let endpoints = Mutex<(String, String)?>(nil)
    let bound = DispatchSemaphore(value: 0)
    // The proxy's sockets are created on the proxy thread, which owns them.
    let proxy = Thread {
        guard let frontend = try? ZMQSocket(context: context, type: .router),
              let backend = try? ZMQSocket(context: context, type: .dealer) else { return }
        for socket in [frontend, backend] {
            try? socket.setLinger(milliseconds: 0)
            // A ROUTER drops what it cannot queue; unlimited queues keep every reply.
            // (High-water marks apply to connections made after they are set.)
            try? socket.setSendHighWaterMark(0)
            try? socket.setReceiveHighWaterMark(0)
        }
        guard (try? frontend.bind("tcp://127.0.0.1:*")) != nil, (try? backend.bind("tcp://127.0.0.1:*")) != nil,
              let front = try? frontend.lastEndpoint, let back = try? backend.lastEndpoint else { return }
        endpoints.withLock { $0 = (front, back) }
        bound.signal()
        try? runProxy(frontend: frontend, backend: backend)
        frontend.close()
        backend.close()
    }
    proxy.start()
    bound.wait()
    let (frontendEndpoint, backendEndpoint) = endpoints.withLock { $0! }
    let echoWorkers = (0..<2).map { _ in
        Thread {
            guard let socket = try? ZMQSocket(context: context, type: .dealer) else { return }
            defer { socket.close() }
            try? socket.setLinger(milliseconds: 0)
            try? socket.setSendHighWaterMark(0)
            try? socket.setReceiveHighWaterMark(0)
            try? socket.connect(backendEndpoint)
            while let frames = try? socket.receive() { _ = try? socket.send(frames) }
        }
    }
    for worker in echoWorkers { worker.start() }
    let client = try ZMQSocket(context: context, type: .dealer)
    try client.setLinger(milliseconds: 0)
    try client.setSendHighWaterMark(0)
    try client.setReceiveHighWaterMark(0)
    try client.connect(frontendEndpoint)
    let window = 16_000
    var sent = 0
    var received = 0
    let start = Date()
    while received < jobCount {
        while sent < jobCount, sent - received < window {
            try client.send([[], payload])
            sent += 1
        }
        _ = try client.receive()
        received += 1
    }
    let seconds = Date().timeIntervalSince(start)
    client.close()
    context.shutdown()
    report("zmq_proxy:  \(jobCount) request/replies in \(String(format: "%.2f", seconds)) s = \(Int(Double(jobCount) / seconds)) msgs/s (2 echo threads, in memory)")
    return Double(jobCount) / seconds
}

/// A million jobs accepted and queued with no worker: the dispatcher's resident memory.
func measureQueuedMemory() throws {
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (dispatcher, clientEndpoint, _) = startDispatcher(dataDirectory: directory)
    defer { dispatcher.terminate(); dispatcher.waitUntilExit() }
    let client = try DispatcherClient(endpoint: clientEndpoint, timeout: .seconds(60))
    let start = Date()
    try client.submit((0..<queuedCount).lazy.map { _ in JobSpec(kind: TaskKind.systemEcho.rawValue, payload: payload) }, batchSize: 1000, window: submitWindow) { _ in }
    let seconds = Date().timeIntervalSince(start)
    let memory = residentMemory(dispatcher.processIdentifier)
    report("queued:     \(queuedCount) jobs accepted durably in \(String(format: "%.1f", seconds)) s (\(Int(Double(queuedCount) / seconds)) jobs/s); dispatcher RSS \(memory.current) MB, peak \(memory.peak) MB")
}

let durable = try measureDispatcher()
let ceiling = try measureProxy()
report("ratio:      dispatcher / zmq_proxy = \(String(format: "%.1f", durable / ceiling * 100))%")
try measureQueuedMemory()
finish()
