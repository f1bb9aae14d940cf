#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChungTayClient
import ChungTayWire
import Foundation
import Testing
import ZeroMQ

/// A failure of the harness itself (a process that would not start, a condition that
/// never came true); its text carries the logs of every process the test started.
struct HarnessError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

// MARK: - Locating the executable

/// The `chungtay` executable built next to this test bundle, or `CHUNGTAY_BINARY`.
///
/// `swift test` runs the test runner from `<scratch>/<triple>/debug/` (on macOS from inside
/// `<scratch>/debug/X.xctest/Contents/MacOS/`), and `swift build` puts `chungtay` in the
/// same `debug` directory, so the executable is found by walking up from the runner.
/// A missing executable is a failure, not a skip: the system tests are the point.
enum ChungTayBinary {
    static let located: Result<URL, HarnessError> = locate()

    static func url() throws -> URL {
        try located.get()
    }

    private static func locate() -> Result<URL, HarnessError> {
        let environment = ProcessInfo.processInfo.environment
        if let override = environment["CHUNGTAY_BINARY"], !override.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: override) else {
                return .failure(HarnessError("CHUNGTAY_BINARY=\(override) is not an executable file"))
            }
            return .success(URL(fileURLWithPath: override))
        }
        var starts: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL { starts.append(executable.deletingLastPathComponent()) }
        starts.append(Bundle.main.bundleURL)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            starts.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first {
            starts.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        var looked: [String] = []
        for start in starts {
            var directory = start.standardizedFileURL.resolvingSymlinksInPath()
            // The runner's own directory, or the build configuration directory above it (macOS
            // bundles sit three levels below it); never higher, where a stray binary could lurk.
            for level in 0..<4 {
                defer { directory = directory.deletingLastPathComponent() }
                guard level == 0 || ["debug", "release"].contains(directory.lastPathComponent) else { continue }
                let candidate = directory.appendingPathComponent("chungtay")
                looked.append(candidate.path)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate.path) {
                    return .success(candidate)
                }
            }
        }
        return .failure(HarnessError("""
            the chungtay executable was not found next to the test runner; run `swift build` \
            (with the same --scratch-path) before `swift test`, or set CHUNGTAY_BINARY. Looked at: \
            \(Array(Set(looked)).sorted().joined(separator: ", "))
            """))
    }
}

// MARK: - Child processes

/// One process the test started, with its standard output and error going to files
/// in the test's directory (files, not pipes: nothing can block on a full pipe).
final class ChildProcess {
    let name: String
    let process: Process
    let stdoutURL: URL
    let stderrURL: URL

    init(name: String, executable: URL, arguments: [String], directory: URL, stdin: URL?, environment extra: [String: String?] = [:]) throws {
        self.name = name
        stdoutURL = directory.appendingPathComponent("\(name).stdout")
        stderrURL = directory.appendingPathComponent("\(name).stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: stdoutURL)
        let errors = try FileHandle(forWritingTo: stderrURL)
        let input = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        defer {
            try? output.close()
            try? errors.close()
            if stdin != nil { try? input.close() }
        }
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        // The ambient CHUNGTAY_* settings of whoever runs the tests must not change what is tested.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CHUNGTAY_") }
        environment["CHUNGTAY_LOG_LEVEL"] = "info"
        for (name, value) in extra { environment[name] = value }
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func signal(_ signal: Int32) {
        guard process.isRunning else { return }
        _ = kill(pid, signal)
    }

    /// True once the process has exited within `timeout`.
    @discardableResult
    func waitForExit(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }

    /// The exit status when the process exited by itself, nil when a signal ended it or it still runs.
    var exitStatus: Int32? {
        guard !process.isRunning, process.terminationReason == .exit else { return nil }
        return process.terminationStatus
    }

    var exitDescription: String {
        if process.isRunning { return "still running" }
        switch process.terminationReason {
        case .exit: return "exit status \(process.terminationStatus)"
        case .uncaughtSignal: return "killed by signal \(process.terminationStatus)"
        @unknown default: return "ended (\(process.terminationStatus))"
        }
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// SIGKILL (after a stopped process is continued, so it can die) and reap.
    func stop() {
        guard process.isRunning else { return }
        _ = kill(pid, SIGKILL)
        _ = kill(pid, SIGCONT)
        waitForExit(timeout: .seconds(10))
    }
}

/// What a finished CLI command left behind.
struct CommandResult: CustomStringConvertible {
    var arguments: [String]
    var status: Int32?
    var stdout: String
    var stderr: String

    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    var description: String {
        "`chungtay \(arguments.joined(separator: " "))` → \(status.map { "exit \($0)" } ?? "no exit status")\nstdout: \(stdout.prefix(2000))\nstderr: \(stderr.prefix(2000))"
    }

    /// The only output line as a JSON object.
    func json() throws -> [String: Any] {
        try JSON.object(stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// A dispatcher process and the endpoints it bound.
struct DispatcherProcess {
    var process: ChildProcess
    var clientEndpoint: String
    var workerEndpoint: String
    var logEndpoint: String
}

// MARK: - The sandbox of one test

/// A fresh temporary directory, the processes one test starts in it, and the helpers to
/// drive them. `close()` kills every process that is still running; call it in `defer`.
final class Sandbox {
    let root: URL
    let dataDir: URL
    let binary: URL
    private(set) var children: [ChildProcess] = []
    private var commandCount = 0
    /// With a CURVE dispatcher: its key and the operator key the in-process helpers
    /// (`status`, `finishedJobs`, the waits) connect with; nil: the NULL mechanism.
    private(set) var curve: CurveDeployment?
    /// Whether a dispatcher runs under strace (`startTracedDispatcher`), for `close()` to stop.
    private var tracesDispatcher = false

    init(_ label: String) throws {
        binary = try ChungTayBinary.url()
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("chungtay-systest-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // The dispatcher creates the data directory itself, so its modes are the dispatcher's doing.
        dataDir = root.appendingPathComponent("data", isDirectory: true)
    }

    func close() {
        // Stopping strace detaches it and the dispatcher runs on (every run left one behind):
        // it is stopped by its data directory.
        if tracesDispatcher,
           let pkill = try? Process.run(URL(fileURLWithPath: "/usr/bin/pkill"), arguments: ["-KILL", "-f", "--", "--data-dir \(dataDir.path)"]) {
            pkill.waitUntilExit()
        }
        for child in children { child.stop() }
        if ProcessInfo.processInfo.environment["CHUNGTAY_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(at: root)
        } else {
            print("system test files kept in \(root.path)")
        }
    }

    /// `launcher` (a command and its arguments, e.g. strace) runs the binary when given;
    /// `environment` sets variables of the process (nil: unsets one).
    func spawn(
        _ name: String, _ arguments: [String], stdin: URL? = nil, launcher: [String] = [], environment: [String: String?] = [:]
    ) throws -> ChildProcess {
        let child = try launcher.first.map { command in
            try ChildProcess(name: name, executable: URL(fileURLWithPath: command), arguments: launcher.dropFirst() + [binary.path] + arguments,
                             directory: root, stdin: stdin, environment: environment)
        } ?? ChildProcess(name: name, executable: binary, arguments: arguments, directory: root, stdin: stdin, environment: environment)
        children.append(child)
        return child
    }

    /// Starts another program (e.g. tcpdump), stopped like every child by `close()`.
    func spawnTool(_ name: String, _ executable: String, _ arguments: [String]) throws -> ChildProcess {
        let child = try ChildProcess(name: name, executable: URL(fileURLWithPath: executable), arguments: arguments, directory: root, stdin: nil)
        children.append(child)
        return child
    }

    /// Starts `chungtay dispatcher` and waits for its ready line.
    ///
    /// Heartbeats every 200 ms and retries after 50 ms keep tests quick. A worker is declared
    /// dead after `liveness` missed heartbeats (default 25, i.e. 5 s): far more than any stall
    /// of a loaded 2-core machine, so no worker is ever declared dead unless a test kills it,
    /// and attempt counts stay exact. With `curve` the dispatcher gets `--curve-secret` and
    /// `--allow`, and the in-process helpers connect with its operator key from then on.
    func startDispatcher(
        name: String = "dispatcher", clientEndpoint: String = "tcp://127.0.0.1:*", workerEndpoint: String = "tcp://127.0.0.1:*",
        liveness: Int = 25, curve: CurveDeployment? = nil, extra: [String] = [], launcher: [String] = []
    ) throws -> DispatcherProcess {
        if let curve { self.curve = curve }
        let curveArguments = curve.map { ["--curve-secret", $0.server.secretFile.path, "--allow", $0.allowDirectory.path] } ?? []
        let child = try spawn(name, [
            "dispatcher", "--data-dir", dataDir.path, "--client-endpoint", clientEndpoint, "--worker-endpoint", workerEndpoint,
            "--log-endpoint", "tcp://127.0.0.1:*", "--heartbeat-interval-ms", "200", "--heartbeat-liveness", String(liveness), "--retry-base-ms", "50",
        ] + curveArguments + extra, launcher: launcher)
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let text = child.stdout
            if let line = text.split(separator: "\n").first, text.contains("\n") {
                let ready = try JSON.object(String(line))
                guard ready["event"] as? String == "ready",
                      let client = ready["clientEndpoint"] as? String, let worker = ready["workerEndpoint"] as? String,
                      let log = ready["logEndpoint"] as? String else {
                    throw HarnessError("dispatcher printed an unexpected first line: \(line)\n\(logs())")
                }
                return DispatcherProcess(process: child, clientEndpoint: client, workerEndpoint: worker, logEndpoint: log)
            }
            if !child.isRunning {
                throw HarnessError("dispatcher \(name) ended before it was ready (\(child.exitDescription))\n\(logs())")
            }
            if ContinuousClock.now >= deadline {
                throw HarnessError("dispatcher \(name) printed no ready line within 30 s\n\(logs())")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Starts `chungtay worker`. It heartbeats every second and so presumes the dispatcher gone
    /// after 3 s of silence: long enough that a busy dispatcher is never mistaken for a dead one.
    func startWorker(
        _ name: String, connect endpoint: String, kinds: String = "system.echo", concurrency: Int = 2, extra: [String] = []
    ) throws -> ChildProcess {
        try spawn("worker-\(name)", [
            "worker", "--connect", endpoint, "--kinds", kinds, "--concurrency", String(concurrency), "--name", name,
            "--heartbeat-ms", "1000",
        ] + extra)
    }

    /// A dispatcher under `strace -f` (`-y`: descriptors shown with their paths) tracing
    /// `calls`, its log in `trace`; `close()` stops it.
    func startTracedDispatcher(calls: String, trace: URL, showingPaths: Bool = false) throws -> DispatcherProcess {
        tracesDispatcher = true
        return try startDispatcher(launcher: ["/usr/bin/strace", "-f", "-qq"] + (showingPaths ? ["-y"] : []) + ["-o", trace.path, "-e", "trace=" + calls])
    }

    /// Runs a CLI command to completion (killed after `timeout`, which is then an error);
    /// `launcher` as for `spawn`.
    func cli(
        _ arguments: [String], stdin: URL? = nil, environment: [String: String?] = [:], launcher: [String] = [], timeout: Duration = .seconds(90)
    ) throws -> CommandResult {
        commandCount += 1
        let child = try launcher.first.map { command in
            try ChildProcess(name: "cli-\(commandCount)", executable: URL(fileURLWithPath: command), arguments: launcher.dropFirst() + [binary.path] + arguments,
                             directory: root, stdin: stdin, environment: environment)
        } ?? ChildProcess(name: "cli-\(commandCount)", executable: binary, arguments: arguments, directory: root, stdin: stdin,
                          environment: environment)
        defer {
            try? FileManager.default.removeItem(at: child.stdoutURL)
            try? FileManager.default.removeItem(at: child.stderrURL)
        }
        guard child.waitForExit(timeout: timeout) else {
            child.stop()
            throw HarnessError("`chungtay \(arguments.joined(separator: " "))` did not finish within \(timeout)\nstdout: \(child.stdout.prefix(2000))\nstderr: \(child.stderr.prefix(2000))\n\(logs())")
        }
        return CommandResult(arguments: arguments, status: child.exitStatus, stdout: child.stdout, stderr: child.stderr)
    }

    func writeFile(_ name: String, _ contents: String) throws -> URL {
        let url = root.appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return url
    }

    /// The tail of every long-running process's standard error, for failure messages.
    func logs(limit: Int = 6000) -> String {
        children.map { child in
            let text = child.stderr
            let tail = text.count > limit ? "…" + text.suffix(limit) : Substring(text)
            return "----- \(child.name) (\(child.exitDescription)) stderr -----\n\(tail)"
        }.joined(separator: "\n")
    }

    /// Polls `probe` until it returns a value; throws (with the logs) after `timeout`.
    @discardableResult
    func eventually<T>(
        _ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(100), _ probe: () throws -> T?
    ) throws -> T {
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while true {
            do {
                if let value = try probe() { return value }
            } catch {
                lastError = error
            }
            if ContinuousClock.now >= deadline {
                throw HarnessError("timed out after \(timeout) waiting for \(what)\(lastError.map { " (last error: \($0))" } ?? "")\n\(logs())")
            }
            Thread.sleep(forTimeInterval: interval.seconds)
        }
    }

    // MARK: Store

    /// Every complete line (ending in a newline) of every `.jsonl` file under `store/KIND/`,
    /// parsed; a line that is not a JSON object is recorded as an issue, unless
    /// `hostileWorkersServed` says that workers sending any bytes in document shape
    /// (`{…}` on one line, all the dispatcher checks: PROTOCOL.md, RESULT) served the kind.
    func storeDocuments(kind: String, hostileWorkersServed: Bool = false) -> [[String: Any]] {
        let directory = dataDir.appendingPathComponent("store").appendingPathComponent(kind)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
        var documents: [[String: Any]] = []
        for name in names {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
            let bytes = [UInt8](data)
            var start = 0
            for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
                let line = Data(bytes[start..<index])
                start = index + 1
                if let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] {
                    documents.append(object)
                } else if !hostileWorkersServed {
                    Issue.record("store line in \(kind)/\(name) is not a JSON object: \(String(decoding: line, as: UTF8.self).prefix(200))")
                }
            }
        }
        return documents
    }

    // MARK: Talking to the dispatcher in-process (for fast polling)

    func status(_ endpoint: String) throws -> [String: Any] {
        let client = try DispatcherClient(endpoint: endpoint, timeout: .seconds(10), curve: curve?.operatorKeys)
        guard case .statusReport(let document) = try client.call(.status) else { throw HarnessError("expected a status report") }
        return try JSON.object(document)
    }

    /// Job documents of `ids` (via WAIT, which answers at once for final jobs), in order,
    /// asked 500 at a time so no single answer holds up the dispatcher's loop for long.
    func finishedJobs(_ ids: [UInt64], endpoint: String) throws -> [[String: Any]] {
        let client = try DispatcherClient(endpoint: endpoint, timeout: .seconds(30), curve: curve?.operatorKeys)
        var jobs: [[String: Any]] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            guard case .waitDone(let documents) = try client.call(.wait(chunk)) else { throw HarnessError("expected WAIT-DONE") }
            jobs += try documents.map { try JSON.object($0) }
        }
        return jobs
    }

    /// Waits until the named worker shows up in `status` (with a kind, when given).
    @discardableResult
    func waitForWorker(_ name: String? = nil, kind: String? = nil, endpoint: String) throws -> [String: Any] {
        try eventually("worker \(name ?? "") \(kind ?? "") to register") {
            Status.workers(try status(endpoint)).first { worker in
                (name == nil || worker["name"] as? String == name)
                    && (kind == nil || (worker["kinds"] as? [String])?.contains(kind!) == true)
            }
        }
    }

    /// Waits until `count` jobs of `kind` are completed and none is queued, delayed or running.
    func waitForCompleted(_ count: Int, kind: String, endpoint: String, timeout: Duration = .seconds(90)) throws {
        try eventually("\(count) completed \(kind) jobs", timeout: timeout, interval: .milliseconds(200)) { () -> Bool? in
            let queue = Status.queue(try status(endpoint), kind)
            let done = (queue["completed"] ?? 0) >= count && queue["queued"] == 0 && queue["running"] == 0 && queue["delayed"] == 0
            return done ? true : nil
        }
    }
}

// MARK: - JSON and status helpers

enum JSON {
    static func object(_ text: String) throws -> [String: Any] {
        try object(Array(text.utf8))
    }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw HarnessError("not a JSON object: \(String(decoding: bytes, as: UTF8.self).prefix(500))")
        }
        return object
    }

    static func array(_ text: String) throws -> [[String: Any]] {
        guard let array = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw HarnessError("not a JSON array of objects: \(text.prefix(500))")
        }
        return array
    }

    /// Structural equality of two JSON values (decoded or built in the test): equal when
    /// they encode to the same canonical text.
    static func equal(_ lhs: Any?, _ rhs: Any?) -> Bool {
        guard let lhs, let rhs else { return lhs == nil && rhs == nil }
        return canonical(lhs) != nil && canonical(lhs) == canonical(rhs)
    }

    static func canonical(_ value: Any) -> Data? {
        try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    }

    static func parse(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }
}

enum Status {
    /// The registered workers: the report also lists lost ones for a while (`state` `lost`).
    static func workers(_ status: [String: Any]) -> [[String: Any]] {
        (status["workers"] as? [[String: Any]] ?? []).filter { $0["state"] as? String != "lost" }
    }

    static func lostWorkers(_ status: [String: Any]) -> [[String: Any]] {
        (status["workers"] as? [[String: Any]] ?? []).filter { $0["state"] as? String == "lost" }
    }

    static func worker(_ status: [String: Any], named name: String) -> [String: Any]? {
        workers(status).first { $0["name"] as? String == name }
    }

    static func queue(_ status: [String: Any], _ kind: String) -> [String: Int] {
        let queues = status["queues"] as? [String: Any] ?? [:]
        let queue = queues[kind] as? [String: Any] ?? [:]
        return queue.compactMapValues { $0 as? Int }
    }
}

/// Ids printed by `chungtay submit` (one per line).
func jobIds(_ result: CommandResult) throws -> [UInt64] {
    try result.lines.map { line in
        guard let id = UInt64(line) else { throw HarnessError("not a job id: \(line)\n\(result)") }
        return id
    }
}

/// The lines of a `--lines` payload file: `{"line":N}` for N in 1...count.
func numberedLines(_ count: Int) -> String {
    (1...count).map { #"{"line":\#($0)}"# }.joined(separator: "\n") + "\n"
}

/// A document's `taskId` (a string in stored documents) as a number.
func taskId(_ document: [String: Any]) -> UInt64? {
    (document["taskId"] as? String).flatMap(UInt64.init) ?? (document["taskId"] as? Int).map(UInt64.init)
}

// MARK: - CURVE keys and the allow directory

/// A key pair that the built `chungtay keys generate` wrote, with the public key and the
/// short id that `chungtay keys show` prints for it (the id every refusal log names).
struct KeyFiles {
    var name: String
    var publicFile: URL
    var secretFile: URL
    var publicKey: String
    var shortId: String

    /// Both halves, read from the files, for sockets the test opens itself.
    func keyPair() throws -> CurveKeyPair {
        let secret = try String(contentsOf: secretFile, encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
        return CurveKeyPair(publicKey: publicKey, secretKey: secret)
    }
}

/// The subdirectories of an allow directory: the roles a key is admitted in.
enum KeyRole: String, CaseIterable {
    case clients, workers, operators
}

/// A CURVE dispatcher's key pair, its allow directory, and the operator key the harness
/// itself connects with.
struct CurveDeployment {
    var server: KeyFiles
    var allowDirectory: URL
    var operatorKey: KeyFiles
    var operatorKeys: CurveClientKeys

    /// `--server-key` and `--key` for a client or worker command holding `key`.
    func arguments(_ key: KeyFiles) -> [String] {
        ["--server-key", server.publicFile.path, "--key", key.secretFile.path]
    }

    /// What an in-process client or raw socket holding `key` connects with.
    func clientKeys(_ key: KeyFiles) throws -> CurveClientKeys {
        CurveClientKeys(serverPublicKey: server.publicKey, keyPair: try key.keyPair())
    }
}

extension Sandbox {
    var keysDirectory: URL { root.appendingPathComponent("keys", isDirectory: true) }
    var allowDirectory: URL { root.appendingPathComponent("allow", isDirectory: true) }

    /// `chungtay keys generate --name NAME` into the sandbox's key directory, read back
    /// with `chungtay keys show`.
    func generateKey(_ name: String) throws -> KeyFiles {
        let generated = try cli(["keys", "generate", "--name", name, "--out", keysDirectory.path])
        guard generated.status == 0 else { throw HarnessError("keys generate failed: \(generated)") }
        let publicFile = keysDirectory.appendingPathComponent("\(name).key")
        let shown = try cli(["keys", "show", publicFile.path])
        func field(_ label: String) -> String? {
            shown.lines.first { $0.hasPrefix(label) }.map { $0.dropFirst(label.count).trimmingCharacters(in: .whitespaces) }
        }
        guard shown.status == 0, let publicKey = field("public key"), let shortId = field("short id"),
              publicKey.count == 40, shortId.count == 14 else {
            throw HarnessError("keys show printed no public key and short id: \(shown)")
        }
        return KeyFiles(name: name, publicFile: publicFile, secretFile: keysDirectory.appendingPathComponent("\(name).key_secret"),
                        publicKey: publicKey, shortId: shortId)
    }

    /// Puts `key`'s public file into the allow directory under `role` (a worker's limited
    /// to `kinds` when given, by the `kinds:` line).
    func admit(_ key: KeyFiles, as role: KeyRole, kinds: [String]? = nil) throws {
        let directory = allowDirectory.appendingPathComponent(role.rawValue, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var text = try String(contentsOf: key.publicFile, encoding: .utf8)
        if let kinds { text += "kinds: \(kinds.joined(separator: ", "))\n" }
        try Data(text.utf8).write(to: directory.appendingPathComponent("\(key.name).key"))
    }

    /// Removes `key` from `role` in the allow directory (the dispatcher notices on SIGHUP).
    func revoke(_ key: KeyFiles, from role: KeyRole) throws {
        try FileManager.default.removeItem(at: allowDirectory.appendingPathComponent(role.rawValue).appendingPathComponent("\(key.name).key"))
    }

    /// A server key and an allow directory with all three role subdirectories and an
    /// operator key `ops` (for the harness's own status calls).
    func curveDeployment() throws -> CurveDeployment {
        let server = try generateKey("server")
        let operatorKey = try generateKey("ops")
        for role in KeyRole.allCases {
            try FileManager.default.createDirectory(at: allowDirectory.appendingPathComponent(role.rawValue), withIntermediateDirectories: true)
        }
        try admit(operatorKey, as: .operators)
        return CurveDeployment(server: server, allowDirectory: allowDirectory, operatorKey: operatorKey,
                               operatorKeys: CurveClientKeys(serverPublicKey: server.publicKey, keyPair: try operatorKey.keyPair()))
    }

    /// SIGHUP: the dispatcher reads its allow directory again.
    func reloadAllowList(_ dispatcher: DispatcherProcess) {
        dispatcher.process.signal(SIGHUP)
    }
}
