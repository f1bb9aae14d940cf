#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Two network namespaces joined by a veth pair with addresses of their own
/// (10.77.N.1 and 10.77.N.2), so that traffic between a process in one and a process in
/// the other crosses the veth, where tcpdump sees it as another machine's wire would.
final class NamespacePair {
    let dispatcherSide: String
    let workerSide: String
    let dispatcherVeth: String
    let workerVeth: String
    let dispatcherAddress: String
    let workerAddress: String
    private let ip: String

    /// Creates both namespaces and the veth; a failure removes what was made and says why.
    static func create() -> Result<NamespacePair, HarnessError> {
        guard geteuid() == 0 else { return .failure(HarnessError("network namespaces need root (running as uid \(geteuid()))")) }
        guard let ip = executable("ip") else { return .failure(HarnessError("`ip` (iproute2) is not installed")) }
        let pair = NamespacePair(ip: ip)
        let steps: [[String]] = [
            ["netns", "add", pair.dispatcherSide], ["netns", "add", pair.workerSide],
            ["link", "add", pair.dispatcherVeth, "type", "veth", "peer", "name", pair.workerVeth],
            ["link", "set", pair.dispatcherVeth, "netns", pair.dispatcherSide], ["link", "set", pair.workerVeth, "netns", pair.workerSide],
            ["-n", pair.dispatcherSide, "addr", "add", "\(pair.dispatcherAddress)/24", "dev", pair.dispatcherVeth],
            ["-n", pair.workerSide, "addr", "add", "\(pair.workerAddress)/24", "dev", pair.workerVeth],
            ["-n", pair.dispatcherSide, "link", "set", pair.dispatcherVeth, "up"], ["-n", pair.workerSide, "link", "set", pair.workerVeth, "up"],
            ["-n", pair.dispatcherSide, "link", "set", "lo", "up"], ["-n", pair.workerSide, "link", "set", "lo", "up"],
        ]
        for step in steps {
            let (status, output) = run(ip, step)
            if status != 0 {
                pair.remove()
                return .failure(HarnessError("`ip \(step.joined(separator: " "))` failed (exit \(status)): \(output)"))
            }
        }
        return .success(pair)
    }

    private init(ip: String) {
        self.ip = ip
        let tag = UUID().uuidString.prefix(6).lowercased()
        dispatcherSide = "ct-d-\(tag)"
        workerSide = "ct-w-\(tag)"
        // Interface names are at most 15 bytes.
        dispatcherVeth = "ctd\(tag)"
        workerVeth = "ctw\(tag)"
        let subnet = Int.random(in: 1...254)
        dispatcherAddress = "10.77.\(subnet).1"
        workerAddress = "10.77.\(subnet).2"
    }

    /// `ip netns exec NAMESPACE`, as a launcher for `Sandbox.spawn` and `Sandbox.cli`
    /// (it execs the command, so the child's pid is the command's).
    func launcher(_ namespace: String) -> [String] {
        [ip, "netns", "exec", namespace]
    }

    /// Deleting a namespace deletes its end of the veth, and with it the other end.
    func remove() {
        for namespace in [dispatcherSide, workerSide] { _ = Self.run(ip, ["netns", "delete", namespace]) }
    }

    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a setup command to completion: its exit status and what it printed.
    static func run(_ executable: String, _ arguments: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            return (-1, "\(error)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// What a capture held of the batch's personal data.
struct CaptureFindings {
    var names: [String] = []
    var citizenIds: [String] = []
    var phones: [String] = []
    var captureBytes = 0

    var isEmpty: Bool { names.isEmpty && citizenIds.isEmpty && phones.isEmpty }
}

extension SystemTests {
    /// Nested in `SystemTests`, so serialized with every other system test; `--filter NamespaceCaptureTests`.
    @Suite struct NamespaceCaptureTests {
        /// The dispatcher in one network namespace, two workers and the client in another, a
        /// batch across the veth between them while tcpdump records it: with `--insecure`
        /// (NULL) the capture holds the households' names, citizen IDs and phone numbers (so
        /// it sees the traffic); with CURVE and keys it holds none of them. Skipped where
        /// namespaces cannot be made or tcpdump is missing.
        @Test func curveHidesTheBatchOnTheWireBetweenNamespaces() throws {
            guard let tcpdump = NamespacePair.executable("tcpdump") else {
                try Test.cancel("tcpdump is not installed (scripts/install-system-packages installs it)")
            }
            let namespaces: NamespacePair
            switch NamespacePair.create() {
            case .success(let pair): namespaces = pair
            case .failure(let reason): try Test.cancel("network namespaces cannot be created here: \(reason)")
            }
            defer { namespaces.remove() }

            let plain = try captureBatch(across: namespaces, tcpdump: tcpdump, curve: false)
            #expect(!plain.names.isEmpty && !plain.citizenIds.isEmpty && !plain.phones.isEmpty,
                    "the plain (--insecure) capture should show the batch's personal data, or it saw no traffic: \(plain)")
            let encrypted = try captureBatch(across: namespaces, tcpdump: tcpdump, curve: true)
            #expect(encrypted.captureBytes > 0)
            #expect(encrypted.isEmpty, "the CURVE capture holds personal data: \(encrypted)")
        }

        /// One run: a fresh sandbox, tcpdump on the dispatcher's veth, the dispatcher, two
        /// workers and `batch submit --wait`; what the capture holds of the input.
        private func captureBatch(across namespaces: NamespacePair, tcpdump: String, curve: Bool) throws -> CaptureFindings {
            let sandbox = try Sandbox(curve ? "netns-curve" : "netns-plain")
            defer { sandbox.close() }
            let input = try sandbox.demoData(households: 80, seed: 31, badRate: 0)
            let households = input.appendingPathComponent("households.jsonl")
            let capture = sandbox.root.appendingPathComponent("veth.pcap")
            // -Z root: tcpdump would otherwise drop to its own user, which may not write here.
            let capturing = try sandbox.spawnTool("tcpdump", namespaces.launcher(namespaces.dispatcherSide).first!,
                                                  Array(namespaces.launcher(namespaces.dispatcherSide).dropFirst())
                                                      + [tcpdump, "-i", namespaces.dispatcherVeth, "-n", "-U", "-s", "0", "-Z", "root", "-w", capture.path])
            try sandbox.eventually("tcpdump listening on \(namespaces.dispatcherVeth)") { () -> Bool? in
                guard capturing.isRunning else { throw HarnessError("tcpdump ended: \(capturing.exitDescription)\n\(capturing.stderr)") }
                return capturing.stderr.contains("listening on") ? true : nil
            }

            var deployment: CurveDeployment?
            var clientArguments: [String] = []
            var workerArguments: [[String]] = [[], []]
            if curve {
                let keys = try sandbox.curveDeployment()
                let client = try sandbox.generateKey("teller")
                try sandbox.admit(client, as: .clients)
                for (index, name) in ["A", "B"].enumerated() {
                    let key = try sandbox.generateKey("worker-\(name)")
                    try sandbox.admit(key, as: .workers)
                    workerArguments[index] = keys.arguments(key)
                }
                clientArguments = keys.arguments(client)
                deployment = keys
            }
            let address = namespaces.dispatcherAddress
            let dispatcher = try sandbox.startDispatcher(
                clientEndpoint: "tcp://\(address):*", workerEndpoint: "tcp://\(address):*", curve: deployment,
                extra: curve ? [] : ["--insecure"], launcher: namespaces.launcher(namespaces.dispatcherSide))
            for (index, name) in ["A", "B"].enumerated() {
                _ = try sandbox.spawn("worker-\(name)", [
                    "worker", "--connect", dispatcher.workerEndpoint, "--kinds", pipelineKinds, "--concurrency", "2", "--name", name,
                    "--heartbeat-ms", "1000",
                ] + workerArguments[index], launcher: namespaces.launcher(namespaces.workerSide))
            }
            let submitted = try sandbox.cli([
                "batch", "submit", "--households", households.path, "--loans", input.appendingPathComponent("loans.jsonl").path,
                "--as-of", "2026-11-27", "--name", "wire", "--wait", "--chunk-size", "10", "--connect", dispatcher.clientEndpoint,
            ] + clientArguments, launcher: namespaces.launcher(namespaces.workerSide), timeout: .seconds(120))
            #expect(submitted.status == 0, "\(submitted)\n\(sandbox.logs())")
            let id = try #require(batchId(submitted), "\(submitted)")
            let records = try jsonLines(households).map(\.record)
            #expect(sandbox.batchDocuments("household.review", batch: id).count == records.count, "the batch completed across the namespaces")
            let reviewedBy = Set(sandbox.batchDocuments("household.review", batch: id).compactMap { $0["worker"] as? String })
            #expect(reviewedBy.isSubset(of: ["A", "B"]) && !reviewedBy.isEmpty)

            // -U wrote every packet as it came. SIGTERM, not SIGINT: tests run as a background
            // job inherit SIGINT ignored, and so would tcpdump. SIGKILL if it lingers.
            capturing.signal(SIGTERM)
            if !capturing.waitForExit(timeout: .seconds(10)) { capturing.stop() }
            let wire = try Data(contentsOf: capture)
            var findings = CaptureFindings(captureBytes: wire.count)
            func seen(_ field: String) -> [String] {
                Set(records.compactMap { $0[field] as? String }.filter { $0.utf8.count >= 6 })
                    .filter { wire.range(of: Data($0.utf8)) != nil }.sorted()
            }
            findings.names = seen("headName")
            findings.citizenIds = seen("citizenId")
            findings.phones = seen("phone")
            print("\(curve ? "CURVE" : "plain") capture: \(wire.count) bytes, \(findings.names.count) names, \(findings.citizenIds.count) citizen IDs, \(findings.phones.count) phones of \(records.count) households")
            return findings
        }
    }
}
