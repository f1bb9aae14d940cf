@testable import ChungTayDelivery
import Foundation
import Testing

/// The adapter against a real HTTP server (`scripts/fake-sms-gateway`) on 127.0.0.1.
@Suite struct SMSGatewayTests {
    static let message = SMSGateway.Message(phone: "0912345678", text: "NHCSXH: Ho \"Le\" & con no 1.000.000d", reference: "7-0")

    @Test func postsTheJSONTemplateWithBasicAuthorisation() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let fake = try FakeSMSGateway(in: files)
        defer { fake.stop() }
        let gateway = SMSGateway(configuration: try SMSGatewayConfiguration(
            url: fake.url, credentials: SMSCredentials(username: "an", password: "bí mật"),
            template: SMSBodyTemplate(text: #"{"to":"{phone}","text":"{text}","reference":"{reference}","from":"{sender}"}"#, format: .json),
            sender: "NHCSXH", insecure: false
        ))
        #expect(await gateway.send(Self.message) == .accepted)
        try await gateway.shutdown()
        let request = try #require(try fake.requests().first)
        #expect(request["method"] as? String == "POST" && request["path"] as? String == "/api/send")
        #expect(request["contentType"] as? String == "application/json; charset=utf-8")
        #expect(request["authorization"] as? String == "Basic " + Data("an:bí mật".utf8).base64EncodedString())
        let fields = try #require(request["fields"] as? [String: String])
        #expect(fields == ["to": "0912345678", "text": Self.message.text, "reference": "7-0", "from": "NHCSXH"])
    }

    @Test func postsTheFormTemplateWithCredentialsInTheBody() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let fake = try FakeSMSGateway(in: files, referenceField: "RequestId")
        defer { fake.stop() }
        let gateway = SMSGateway(configuration: try SMSGatewayConfiguration(
            url: fake.url, credentials: SMSCredentials(token: "k&y=1"),
            template: SMSBodyTemplate(text: "ApiKey={token}&Phone={phone}&Content={text}&RequestId={reference}\n", format: .form),
            sender: nil, insecure: false
        ))
        #expect(await gateway.send(Self.message) == .accepted)
        try await gateway.shutdown()
        let request = try #require(try fake.requests().first)
        #expect(request["contentType"] as? String == "application/x-www-form-urlencoded")
        #expect(request["authorization"] is NSNull, "a token placed in the body is not sent again as a header")
        let fields = try #require(request["fields"] as? [String: String])
        #expect(fields == ["ApiKey": "k&y=1", "Phone": "0912345678", "Content": Self.message.text, "RequestId": "7-0"])
    }

    @Test func refusalsFailuresAndSilenceAreJudged() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let fake = try FakeSMSGateway(in: files, failEvery: 2, reject: ["bad"])
        defer { fake.stop() }
        let template = try SMSBodyTemplate(text: #"{"to":"{phone}","text":"{text}","reference":"{reference}"}"#, format: .json)
        let credentials = SMSCredentials(token: "t")
        let gateway = SMSGateway(configuration: try SMSGatewayConfiguration(
            url: fake.url, credentials: credentials, template: template, sender: nil, insecure: false))
        #expect(await gateway.send(Self.message) == .accepted)
        #expect(await gateway.send(Self.message) == .transient(#"http 503: {"status": "error", "n": 2}"#))
        var rejected = Self.message
        rejected.reference = "bad"
        #expect(await gateway.send(rejected) == .permanent(#"http 400: {"status": "error", "n": 3}"#))
        try await gateway.shutdown()

        // Nothing listens on the port once the fake gateway is gone: a connection error, retried.
        fake.stop()
        let gone = SMSGateway(configuration: try SMSGatewayConfiguration(
            url: fake.url, credentials: credentials, template: template, sender: nil, insecure: false))
        guard case .transient = await gone.send(Self.message) else {
            Issue.record("a refused connection is worth a retry")
            return
        }
        try await gone.shutdown()
    }

    @Test func aGatewayThatDoesNotAnswerIsATimeoutWorthARetry() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let fake = try FakeSMSGateway(in: files, stall: ["7-0"])
        defer { fake.stop() }
        var configuration = try SMSGatewayConfiguration(
            url: fake.url, credentials: SMSCredentials(token: "t"),
            template: SMSBodyTemplate(text: #"{"to":"{phone}","text":"{text}","reference":"{reference}"}"#, format: .json), sender: nil, insecure: false)
        configuration.requestTimeout = .milliseconds(300)
        let gateway = SMSGateway(configuration: configuration)
        #expect(await gateway.send(Self.message) == .transient("timeout"))
        try await gateway.shutdown()
        #expect(try fake.requests().map { $0["status"] as? Int } == [0], "the request arrived; its answer never did")
    }
}
