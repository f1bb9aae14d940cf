import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `scripts/fake-sms-gateway` as a real process on 127.0.0.1 and a free port: records each
/// request it gets (``requests()``), accepts some, fails others. Stopped by `stop()`.
final class FakeSMSGateway {
    let process = Process()
    let logPath: String
    let port: Int

    var url: String { "http://127.0.0.1:\(port)/api/send" }

    /// - Parameters:
    ///   - failEvery: every Nth request (counting all) answered 503, 429 or 500 in turn.
    ///   - reject: references ending with one of these are answered 400.
    ///   - stall: references ending with one of these are not answered (for 30 s).
    init(
        in files: TemporaryFiles, failEvery: Int = 0, reject: [String] = [], stall: [String] = [], referenceField: String = "reference"
    ) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/fake-sms-gateway")
        logPath = files.directory.appendingPathComponent("gateway-\(UUID().uuidString.prefix(6)).jsonl").path
        let stdoutPath = logPath + ".stdout"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        defer { try? output.close() }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, "--log", logPath, "--fail-every", String(failEvery), "--reference-field", referenceField]
            + reject.map { "--reject=\($0)" } + stall.map { "--stall=\($0)" }
        process.standardOutput = output
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let text = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, text.contains("\n"),
               let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let port = object["port"] as? Int {
                self.port = port
                return
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "the fake gateway did not start: \(text)"])
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// The requests answered so far, in order, as the gateway logged them.
    func requests() throws -> [[String: Any]] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
    }

    /// SIGKILL and reap: the test runner's children may not heed SIGTERM.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
