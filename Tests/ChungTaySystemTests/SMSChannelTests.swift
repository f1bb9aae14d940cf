#if canImport(Glibc)
import Glibc
#endif
import ChungTayWire
import Foundation
import Testing

extension SystemTests {
    /// The SMS channel end to end: a dispatcher with `--sms-gateway` to `scripts/fake-sms-gateway`,
    /// which fails every other request (503, 429, 500 in turn) and refuses one reference with
    /// 400. Notifications reach the outbox through a raw worker's RESULT; once no SMS is
    /// pending, each is delivered, with one accepted request for its reference, or failed
    /// (the refused one at once, the one without a phone with no request at all).
    @Test func smsThroughAGatewayFailingHalfTheRequestsAreDeliveredOnceOrFailed() throws {
        let sandbox = try Sandbox("sms")
        defer { sandbox.close() }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/fake-sms-gateway")
        let requestLog = sandbox.root.appendingPathComponent("gateway.jsonl")
        let count = 10
        // Outbox ids follow commit order from 1, and the SMS recipient is the first: a reference
        // ending -3-0 is the third notification's (after the data directory's installation id).
        let gateway = try sandbox.spawnTool("sms-gateway", "/usr/bin/python3", [
            script.path, "--log", requestLog.path, "--fail-every", "2", "--reject=-3-0", "--reference-field", "ref",
        ])
        let port = try sandbox.eventually("the fake gateway's port", timeout: .seconds(20)) {
            try gateway.stdout.split(separator: "\n").first.flatMap { try JSON.object(String($0))["port"] as? Int }
        }
        let credentials = try sandbox.writeFile("sms.credentials", "username=nhct\npassword=mật khẩu\n")
        #expect(chmod(credentials.path, 0o600) == 0)
        let template = try sandbox.writeFile("sms-body.json", #"{"phone":"{phone}","content":"{text}","ref":"{reference}","brand":"{sender}"}"# + "\n")
        let dispatcher = try sandbox.startDispatcher(extra: [
            "--sms-gateway", "http://127.0.0.1:\(port)/send", "--sms-credentials", credentials.path, "--sms-body-template", template.path,
            "--sms-sender", "NHCSXH", "--sms-rate", "50",
        ])
        let raw = try RawBatchWorker(sandbox, dispatcher, batchName: "sms", kind: "notify.emit")
        let ids = try raw.submit(keys: ["notify"])
        let task = try #require(try raw.receiveTasks(1).first)
        let documents = (1...count).map { index in
            let phone = index == 5 ? "" : #","phone":"09123450\#(String(format: "%02d", index))""#
            return Array(#"""
                {"taskId":"\#(task)","kind":"notify.emit","type":"due_reminder","dedupKey":"due_reminder|L\#(index)|2026-12-05","recipients":[{"role":"borrower","id":"H\#(index)","channel":"sms"\#(phone)},{"role":"group_leader","id":"G1","channel":"group_list"}],"message_vi":"Hộ H\#(index)","sms":"NHCSXH: Ho H\#(index) \"den han\" & tra no 1.000.000d"}
                """#.utf8)
        }
        try raw.worker.send(WorkerMessage.results([TaskResult(
            taskId: task, documents: documents, isList: true,
            outbox: (1...count).map { OutboxKey(dedupKey: "due_reminder|L\($0)|2026-12-05", expiresOn: 20_800) }
        )]).encode())
        _ = try sandbox.finishedJobs(ids, endpoint: dispatcher.clientEndpoint)

        // Backoff starts at 1 to 2 s and doubles; with every other request failing, a few rounds.
        let listed = try sandbox.eventually("no SMS pending", timeout: .seconds(120), interval: .milliseconds(500)) { () -> [[String: Any]]? in
            let result = try sandbox.cli(["notifications", "list", "--json", "--data-dir", sandbox.dataDir.path])
            guard result.status == 0 else { throw HarnessError("\(result)") }
            let lines = try result.lines.map { try JSON.object($0) }
            let sms = lines.flatMap { line in
                (line["recipients"] as? [[String: Any]] ?? []).filter { $0["channel"] as? String == "sms" }.map { ($0, line["outboxId"] as? Int ?? 0) }
            }
            guard sms.count == count, !sms.contains(where: { $0.0["state"] as? String == "pending" }) else { return nil }
            return sms.map { recipient, outboxId in recipient.merging(["outboxId": outboxId]) { $1 } }
        }
        let requests = try String(contentsOf: requestLog, encoding: .utf8).split(separator: "\n").map { try JSON.object(String($0)) }
        for recipient in listed {
            let outboxId = try #require(recipient["outboxId"] as? Int)
            let sent = requests.filter { ($0["reference"] as? String)?.hasSuffix("-\(outboxId)-0") == true }
            switch outboxId {
            case 3:
                #expect(recipient["state"] as? String == "failed" && sent.map { $0["status"] as? Int } == [400], "\(recipient) \(sent)")
            case 5:
                #expect(recipient["state"] as? String == "failed" && recipient["lastError"] as? String == "no_phone" && sent.isEmpty)
            default:
                #expect(recipient["state"] as? String == "delivered", "\(recipient)")
                #expect(sent.filter { $0["status"] as? Int == 200 }.count == 1 && sent.last?["status"] as? Int == 200, "\(sent)")
                #expect(recipient["attempts"] as? Int == sent.count)
            }
        }
        #expect(!requests.contains { $0["duplicate"] as? Bool == true }, "no reference accepted twice")
        #expect(requests.contains { $0["status"] as? Int == 503 }, "the gateway did fail requests")
        let first = try #require(requests.first)
        #expect(first["authorization"] as? String == "Basic " + Data("nhct:mật khẩu".utf8).base64EncodedString())
        let fields = try #require(first["fields"] as? [String: String])
        #expect(fields["brand"] == "NHCSXH" && fields["content"]?.contains(#""den han" & tra no"#) == true)
        // The dispatcher's log names no phone in full.
        #expect(!dispatcher.process.stderr.contains("0912345001"))
    }

    /// The SMS settings are refused before the dispatcher starts (usage error, exit 2), from
    /// the flag, the environment or the config file alike: clear http beyond loopback without
    /// --insecure, credentials others may read, a template with an unknown placeholder, an
    /// SMS setting without a gateway.
    @Test func smsSettingsAreCheckedBeforeTheDispatcherStarts() throws {
        let sandbox = try Sandbox("sms-settings")
        defer { sandbox.close() }
        let credentials = try sandbox.writeFile("sms.credentials", "token=abc\n")
        #expect(chmod(credentials.path, 0o600) == 0)
        let openCredentials = try sandbox.writeFile("open.credentials", "token=abc\n")
        #expect(chmod(openCredentials.path, 0o644) == 0)
        let template = try sandbox.writeFile("body.json", #"{"to":"{phone}","text":"{text}"}"#)
        let typo = try sandbox.writeFile("typo.json", #"{"to":"{phone}","text":"{txt}"}"#)
        let dispatcher = ["dispatcher", "--data-dir", sandbox.dataDir.path]
        func refused(_ arguments: [String], environment: [String: String?] = [:], saying expected: String) throws {
            let result = try sandbox.cli(dispatcher + arguments, environment: environment, timeout: .seconds(30))
            #expect(result.status == 2 && result.stderr.contains(expected), "\(result)")
        }
        let good = ["--sms-credentials", credentials.path, "--sms-body-template", template.path]
        try refused(["--sms-gateway", "http://10.1.2.3/send"] + good, saying: "--insecure")
        try refused(good, environment: ["CHUNGTAY_SMS_GATEWAY": "http://10.1.2.3/send"], saying: "--insecure")
        try refused(["--sms-gateway", "https://sms.example.vn/send", "--sms-credentials", openCredentials.path, "--sms-body-template", template.path],
                    saying: "readable by others")
        try refused(["--sms-gateway", "https://sms.example.vn/send", "--sms-credentials", credentials.path, "--sms-body-template", typo.path],
                    saying: "unknown placeholder {txt}")
        let config = try sandbox.writeFile("config.json", #"{"chungtay":{"sms":{"rate":5}}}"#)
        try refused(["--config", config.path], saying: "needs --sms-gateway")
        try refused(["--sms-gateway", "https://sms.example.vn/send"] + good + ["--sms-rate", "0"], saying: "--sms-rate must be 1 to 1000")
    }
}
