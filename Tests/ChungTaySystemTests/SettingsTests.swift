import Foundation
import Testing

/// Every command reads its settings one way: flag, then `CHUNGTAY_*`, then the `--config`
/// file, then the default; a value that is there but unreadable is a usage error (exit 2).
@Suite(.serialized) struct SettingsTests {
    /// A mistyped log level stops the command with exit 2 and says what was wrong and
    /// where it came from, whether the flag, the environment or the file gave it.
    @Test func unknownLogLevelIsAUsageError() throws {
        let sandbox = try Sandbox("loglevel")
        defer { sandbox.close() }
        let config = try sandbox.writeFile("settings.json", #"{"chungtay":{"log":{"level":"loud"}}}"#)
        // Had any of these started, it would run until the harness's timeout: the exit code is the point.
        let worker = ["worker", "--connect", "tcp://127.0.0.1:1"]

        let flag = try sandbox.cli(worker + ["--log-level", "verbose"], timeout: .seconds(30))
        #expect(flag.status == 2, "\(flag)")
        #expect(flag.stderr.contains("'verbose' is invalid for '--log-level"), "\(flag)")
        #expect(flag.stderr.contains("critical"), "the levels are listed: \(flag)")

        let dispatcher = try sandbox.cli(["dispatcher", "--data-dir", sandbox.dataDir.path, "--log-level", "verbose"], timeout: .seconds(30))
        #expect(dispatcher.status == 2, "\(dispatcher)")

        let environment = try sandbox.cli(worker, environment: ["CHUNGTAY_LOG_LEVEL": "verbose"], timeout: .seconds(30))
        #expect(environment.status == 2, "\(environment)")
        #expect(environment.stderr.contains("CHUNGTAY_LOG_LEVEL: unknown value 'verbose'; expected one of trace, debug, info"), "\(environment)")

        // The harness sets CHUNGTAY_LOG_LEVEL, which would win over the file.
        let file = try sandbox.cli(["dispatcher", "--data-dir", sandbox.dataDir.path, "--config", config.path],
                                   environment: ["CHUNGTAY_LOG_LEVEL": nil], timeout: .seconds(30))
        #expect(file.status == 2, "\(file)")
        #expect(file.stderr.contains("chungtay.log.level in \(config.path): unknown value 'loud'"), "\(file)")

        // Client commands log too (their errors, as role `client`): the same check applies.
        let client = try sandbox.cli(["status", "--connect", "tcp://127.0.0.1:1", "--timeout", "0.2", "--config", config.path],
                                     environment: ["CHUNGTAY_LOG_LEVEL": nil], timeout: .seconds(30))
        #expect(client.status == 2, "\(client)")
        #expect(client.stderr.contains("chungtay.log.level in \(config.path): unknown value 'loud'"), "\(client)")
    }

    /// A number that is not one is refused too, naming its source, instead of falling back to the default.
    @Test func unreadableNumberIsAUsageError() throws {
        let sandbox = try Sandbox("badnumber")
        defer { sandbox.close() }
        let worker = try sandbox.cli(["worker", "--connect", "tcp://127.0.0.1:1"], environment: ["CHUNGTAY_WORKER_CONCURRENCY": "lots"],
                                     timeout: .seconds(30))
        #expect(worker.status == 2, "\(worker)")
        #expect(worker.stderr.contains("CHUNGTAY_WORKER_CONCURRENCY is not a whole number"), "\(worker)")

        let config = try sandbox.writeFile("settings.json", #"{"chungtay":{"client":{"timeout":-1}}}"#)
        let client = try sandbox.cli(["status", "--connect", "tcp://127.0.0.1:1", "--config", config.path], timeout: .seconds(30))
        #expect(client.status == 2, "\(client)")
        #expect(client.stderr.contains("chungtay.client.timeout in \(config.path) must be positive"), "\(client)")

        let flag = try sandbox.cli(["worker", "--connect", "tcp://127.0.0.1:1", "--concurrency", "0"], timeout: .seconds(30))
        #expect(flag.status == 2, "\(flag)")
        #expect(flag.stderr.contains("--concurrency must be 1 to 1024"), "\(flag)")
    }

    /// The worker's name (shown in status) from each layer: each worker has the layers
    /// above the one it should use missing and every layer below it set.
    @Test func workerSettingPrecedence() throws {
        let sandbox = try Sandbox("workerlayers")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let config = try sandbox.writeFile("settings.json", #"{"chungtay":{"worker":{"name":"from-file"}}}"#)
        let connect = ["worker", "--connect", dispatcher.workerEndpoint, "--concurrency", "1"]
        let environment: [String: String?] = ["CHUNGTAY_WORKER_NAME": "from-env"]

        _ = try sandbox.spawn("worker-flag", connect + ["--name", "from-flag", "--config", config.path], environment: environment)
        _ = try sandbox.spawn("worker-env", connect + ["--config", config.path], environment: environment)
        _ = try sandbox.spawn("worker-file", connect + ["--config", config.path])
        let byDefault = try sandbox.spawn("worker-default", connect)

        let expected = ["from-flag", "from-env", "from-file", "\(ProcessInfo.processInfo.hostName)-\(byDefault.pid)"]
        for name in expected {
            try sandbox.waitForWorker(name, endpoint: dispatcher.clientEndpoint)
        }
        let names = Status.workers(try sandbox.status(dispatcher.clientEndpoint)).compactMap { $0["name"] as? String }
        #expect(names.sorted() == expected.sorted(), "\(names)")
    }

    /// The client's timeout from each layer, read off the unreachable message (nothing
    /// listens on port 1): flag 0.5 s over env 1 s over file 1.5 s over the default 10 s.
    @Test func clientSettingPrecedence() throws {
        let sandbox = try Sandbox("clientlayers")
        defer { sandbox.close() }
        let config = try sandbox.writeFile("settings.json", #"{"chungtay":{"client":{"timeout":1.5,"endpoint":"tcp://127.0.0.1:1"}}}"#)
        let environment: [String: String?] = ["CHUNGTAY_CLIENT_TIMEOUT": "1", "CHUNGTAY_CLIENT_ENDPOINT": "tcp://127.0.0.1:1"]
        // Run at once, so the test takes the longest wait (the default's), not their sum.
        let layers: [(name: String, arguments: [String], environment: [String: String?], seconds: String)] = [
            ("flag", ["--timeout", "0.5", "--config", config.path], environment, "0.5"),
            ("env", ["--config", config.path], environment, "1.0"),
            ("file", ["--config", config.path], [:], "1.5"),
            ("default", ["--connect", "tcp://127.0.0.1:1"], [:], "10.0"),
        ]
        var children: [(ChildProcess, String, String)] = []
        for layer in layers {
            children.append((try sandbox.spawn("status-\(layer.name)", ["status"] + layer.arguments, environment: layer.environment),
                             layer.name, layer.seconds))
        }
        for (child, name, seconds) in children {
            #expect(child.waitForExit(timeout: .seconds(60)), "\(name): \(child.exitDescription)")
            #expect(child.exitStatus == 3, "\(name): \(child.exitDescription) \(child.stderr)")
            #expect(child.stderr.contains("cannot reach the dispatcher at tcp://127.0.0.1:1 (no answer in \(seconds) s)"), "\(name): \(child.stderr)")
        }
    }

    /// `--kinds a,b` and `--kinds a --kinds b` both serve both kinds; so do the environment's
    /// list and the file's, as a JSON array or as one comma-separated text.
    @Test func kindsAsAList() throws {
        let sandbox = try Sandbox("kinds")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let connect = ["worker", "--connect", dispatcher.workerEndpoint, "--concurrency", "1"]
        _ = try sandbox.spawn("worker-comma", connect + ["--name", "comma", "--kinds", "system.echo, loan.status"])
        _ = try sandbox.spawn("worker-repeated", connect + ["--name", "repeated", "--kinds", "system.echo", "--kinds", "loan.status,notify.emit"])
        _ = try sandbox.spawn("worker-env", connect + ["--name", "env"], environment: ["CHUNGTAY_WORKER_KINDS": "loan.status,system.echo"])
        let arrayFile = try sandbox.writeFile("array.json", #"{"chungtay":{"worker":{"kinds":["notify.emit","system.echo"]}}}"#)
        let textFile = try sandbox.writeFile("text.json", #"{"chungtay":{"worker":{"kinds":"notify.emit, loan.status"}}}"#)
        _ = try sandbox.spawn("worker-file-array", connect + ["--name", "file-array", "--config", arrayFile.path])
        _ = try sandbox.spawn("worker-file-text", connect + ["--name", "file-text", "--config", textFile.path])
        for (name, kinds) in [("comma", ["loan.status", "system.echo"]), ("repeated", ["loan.status", "notify.emit", "system.echo"]),
                              ("env", ["loan.status", "system.echo"]), ("file-array", ["notify.emit", "system.echo"]),
                              ("file-text", ["loan.status", "notify.emit"])] {
            let worker = try sandbox.waitForWorker(name, endpoint: dispatcher.clientEndpoint)
            #expect((worker["kinds"] as? [String])?.sorted() == kinds, "\(name): \(worker)")
        }

        let unknown = try sandbox.cli(["worker", "--connect", dispatcher.workerEndpoint, "--kinds", "system.echo,no.such"], timeout: .seconds(30))
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.stderr.contains("no handler for kind 'no.such' (--kinds)"), "\(unknown)")
        let empty = try sandbox.cli(["worker", "--connect", dispatcher.workerEndpoint, "--kinds", ","], timeout: .seconds(30))
        #expect(empty.status == 2, "\(empty)")
    }

    /// `--server-key` and `--key` from each layer, read off which missing secret file is
    /// named: flag over `CHUNGTAY_KEY` over the file's `key`; the same for every command that connects.
    @Test func curveKeySettingPrecedence() throws {
        let sandbox = try Sandbox("curvelayers")
        defer { sandbox.close() }
        let keys = try Self.generateKeys(sandbox, ["dispatcher"])
        let missing = sandbox.root.appendingPathComponent("missing").path
        let config = try sandbox.writeFile("settings.json", """
            {"chungtay":{"server":{"key":"\(keys)/dispatcher.key"},"key":"\(missing)/file.key_secret"}}
            """)
        let environment: [String: String?] = ["CHUNGTAY_SERVER_KEY": "\(keys)/dispatcher.key", "CHUNGTAY_KEY": "\(missing)/env.key_secret"]
        let layers: [(name: String, arguments: [String], environment: [String: String?])] = [
            ("flag", ["--key", "\(missing)/flag.key_secret", "--config", config.path], environment),
            ("env", ["--config", config.path], environment),
            ("file", ["--config", config.path], [:]),
        ]
        let commands = [["status", "--connect", "tcp://127.0.0.1:1"], ["worker", "--connect", "tcp://127.0.0.1:1"],
                        ["logs", "--connect", "tcp://127.0.0.1:1"], ["batch", "list", "--connect", "tcp://127.0.0.1:1"]]
        for command in commands {
            for layer in layers {
                let result = try sandbox.cli(command + layer.arguments, environment: layer.environment, timeout: .seconds(30))
                #expect(result.status == 2, "\(command[0]) \(layer.name): \(result)")
                #expect(result.stderr.contains("cannot read \(missing)/\(layer.name).key_secret"), "\(command[0]) \(layer.name): \(result)")
            }
        }
    }

    /// One of the two keys alone is a usage error naming what is missing, and so is a
    /// secret key file others may read.
    @Test func curveKeysBothOrNeither() throws {
        let sandbox = try Sandbox("curvepair")
        defer { sandbox.close() }
        let keys = try Self.generateKeys(sandbox, ["dispatcher", "c1"])
        let status = ["status", "--connect", "tcp://127.0.0.1:1", "--timeout", "0.2"]

        let serverOnly = try sandbox.cli(status + ["--server-key", "\(keys)/dispatcher.key"], timeout: .seconds(30))
        #expect(serverOnly.status == 2, "\(serverOnly)")
        #expect(serverOnly.stderr.contains("--server-key needs --key (CHUNGTAY_KEY): this peer's secret key file"), "\(serverOnly)")

        let keyOnly = try sandbox.cli(["worker", "--connect", "tcp://127.0.0.1:1"], environment: ["CHUNGTAY_KEY": "\(keys)/c1.key_secret"],
                                      timeout: .seconds(30))
        #expect(keyOnly.status == 2, "\(keyOnly)")
        #expect(keyOnly.stderr.contains("CHUNGTAY_KEY needs --server-key (CHUNGTAY_SERVER_KEY): the dispatcher's public key file"), "\(keyOnly)")

        #expect(chmod("\(keys)/c1.key_secret", 0o644) == 0)
        let exposed = try sandbox.cli(status + ["--server-key", "\(keys)/dispatcher.key", "--key", "\(keys)/c1.key_secret"], timeout: .seconds(30))
        #expect(exposed.status == 2, "\(exposed)")
        #expect(exposed.stderr.contains("\(keys)/c1.key_secret is readable by others (mode 644)"), "\(exposed)")

        // A public key given as the secret: readable by all (as public keys are meant to be,
        // whatever the umask the key was made under), so refused the same way.
        #expect(chmod("\(keys)/dispatcher.key", 0o644) == 0)
        let swapped = try sandbox.cli(status + ["--server-key", "\(keys)/dispatcher.key", "--key", "\(keys)/dispatcher.key"], timeout: .seconds(30))
        #expect(swapped.status == 2, "\(swapped)")
    }

    /// A client with keys at a dispatcher without CURVE is told at once that its key was
    /// refused and why (exit 3), instead of waiting out --timeout; the worker says so in its log.
    @Test func curveClientOfAPlainDispatcherIsToldWhy() throws {
        let sandbox = try Sandbox("curveplain")
        defer { sandbox.close() }
        let keys = try Self.generateKeys(sandbox, ["dispatcher", "c1"])
        let dispatcher = try sandbox.startDispatcher()
        let curve = ["--server-key", "\(keys)/dispatcher.key", "--key", "\(keys)/c1.key_secret"]

        // A timeout the harness would notice: the answer must not be the timeout's.
        let status = try sandbox.cli(["status", "--connect", dispatcher.clientEndpoint, "--timeout", "600"] + curve, timeout: .seconds(90))
        #expect(status.status == 3, "\(status)")
        #expect(status.stderr.contains("the dispatcher at \(dispatcher.clientEndpoint) refused this key: the dispatcher and this peer disagree on CURVE"),
                "\(status)")

        let logs = try sandbox.cli(["logs", "--connect", dispatcher.logEndpoint, "--timeout", "600"] + curve, timeout: .seconds(90))
        #expect(logs.status == 3, "\(logs)")
        #expect(logs.stderr.contains("the dispatcher at \(dispatcher.logEndpoint) refused this key"), "\(logs)")

        let worker = try sandbox.spawn("worker-curve", ["worker", "--connect", dispatcher.workerEndpoint, "--concurrency", "1"] + curve)
        try sandbox.eventually("the worker's refusal line") {
            worker.stderr.contains("the dispatcher refused this worker's key; retrying") ? true : nil
        }
        #expect(worker.stderr.components(separatedBy: "refused this worker's key").count == 2, "one line per minute: \(worker.stderr)")
    }

    /// A worker whose key may not serve its --kinds is refused at READY (`forbidden`): it
    /// says what to fix once and waits, instead of sending READY again thousands of times a
    /// second. The worker's 10-second throughput line marks time passing, not a sleep.
    @Test func aWorkerRefusedItsKindsWaitsInsteadOfLooping() throws {
        let sandbox = try Sandbox("curvekinds")
        defer { sandbox.close() }
        let keys = try Self.generateKeys(sandbox, ["dispatcher", "w1"])
        let allow = sandbox.root.appendingPathComponent("allow").path
        try FileManager.default.createDirectory(atPath: allow + "/workers", withIntermediateDirectories: true)
        let workerKey = try String(contentsOfFile: "\(keys)/w1.key", encoding: .utf8)
        try (workerKey + "kinds: household.review\n").write(toFile: allow + "/workers/w1.key", atomically: true, encoding: .utf8)
        let dispatcher = try sandbox.startDispatcher(extra: ["--curve-secret", "\(keys)/dispatcher.key_secret", "--allow", allow])

        let worker = try sandbox.spawn("worker-kinds", [
            "worker", "--connect", dispatcher.workerEndpoint, "--name", "w1", "--kinds", "system.echo", "--concurrency", "1",
            "--server-key", "\(keys)/dispatcher.key", "--key", "\(keys)/w1.key_secret",
        ])
        _ = try sandbox.eventually("the worker's refusal line, then its throughput line", timeout: .seconds(60)) { () -> Bool? in
            let text = worker.stderr
            guard let refusal = text.range(of: "forbids this worker to register") else { return nil }
            return text[refusal.upperBound...].contains("throughput") ? true : nil
        }
        let text = worker.stderr
        #expect(text.components(separatedBy: "forbids this worker to register").count == 2, "\(text)")
        #expect(text.contains("kinds: line"), "the line says what to fix: \(text)")
        #expect(text.components(separatedBy: "] ready ").count == 2, "one READY, no loop: \(text.prefix(4000))")
    }

    /// An abstract `ipc://@` socket has no file, so no permissions: any local user may
    /// connect, and without CURVE it is refused like a non-loopback address.
    @Test func abstractIpcNeedsCurveOrInsecure() throws {
        let sandbox = try Sandbox("abstractipc")
        defer { sandbox.close() }
        let refused = try sandbox.cli(["dispatcher", "--data-dir", sandbox.dataDir.path, "--client-endpoint", "ipc://@chungtay-test-\(UUID())"],
                                      timeout: .seconds(30))
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("is an abstract socket, which every local user may connect to") && refused.stderr.contains("--insecure"),
                "\(refused)")
    }

    /// libzmq cannot bind `localhost`: said before the start, with the address to write instead.
    @Test func localhostEndpointIsRefusedWithTheFix() throws {
        let sandbox = try Sandbox("localhostbind")
        defer { sandbox.close() }
        let refused = try sandbox.cli(["dispatcher", "--data-dir", sandbox.dataDir.path, "--worker-endpoint", "tcp://localhost:5556"],
                                      timeout: .seconds(30))
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("write tcp://127.0.0.1:5556"), "\(refused)")
    }

    /// With CURVE the unauthenticated status page may not be served beyond loopback, since it
    /// reads the dispatcher as an operator, unless --insecure says so.
    @Test func remoteStatusPageWithCurveNeedsInsecure() throws {
        let sandbox = try Sandbox("curvemetrics")
        defer { sandbox.close() }
        let keys = try Self.generateKeys(sandbox, ["dispatcher"])
        let allow = sandbox.root.appendingPathComponent("allow").path
        try FileManager.default.createDirectory(atPath: allow, withIntermediateDirectories: true)
        let refused = try sandbox.cli([
            "dispatcher", "--data-dir", sandbox.dataDir.path, "--curve-secret", "\(keys)/dispatcher.key_secret", "--allow", allow,
            "--metrics", "0.0.0.0:0", "--metrics-allow-remote",
        ], timeout: .seconds(30))
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("--metrics-allow-remote with --curve-secret") && refused.stderr.contains("--insecure"), "\(refused)")
    }

    /// Key pairs made by `chungtay keys generate`, in the sandbox's `keys/`, whose path it returns.
    private static func generateKeys(_ sandbox: Sandbox, _ names: [String]) throws -> String {
        let directory = sandbox.root.appendingPathComponent("keys").path
        for name in names {
            let result = try sandbox.cli(["keys", "generate", "--name", name, "--out", directory], timeout: .seconds(30))
            try #require(result.status == 0, "\(result)")
        }
        return directory
    }
}
