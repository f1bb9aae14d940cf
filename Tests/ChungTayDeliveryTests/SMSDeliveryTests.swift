@testable import ChungTayDelivery
import ChungTayStore
import Foundation
import Logging
import Synchronization
import Testing

/// The SMS channel over a real delivery ledger and the fake gateway, with a clock the test
/// moves: retries come due by moving it, so nothing sleeps.
@Suite struct SMSDeliveryTests {
    final class TestClock: Sendable {
        private let date = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { date.withLock { $0 } }
        func advance(by seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static let template = try! SMSBodyTemplate(text: #"{"to":"{phone}","text":"{text}","reference":"{reference}"}"#, format: .json)

    private func configuration(_ gateway: FakeSMSGateway, maxAttempts: Int = 6) throws -> SMSGatewayConfiguration {
        var configuration = try SMSGatewayConfiguration(
            url: gateway.url, credentials: SMSCredentials(token: "t"), template: Self.template, sender: nil, insecure: false)
        configuration.maxAttempts = maxAttempts
        configuration.ratePerSecond = 1000
        return configuration
    }

    private func sms(_ outboxId: Int64, phone: String?, clock: TestClock) -> RecipientDelivery {
        RecipientDelivery(
            key: .init(outboxId: outboxId, recipient: 0), role: "borrower", recipientId: "H\(outboxId)", channel: "sms", address: phone,
            text: "NHCSXH: Ho H\(outboxId) den han tra no", updatedAt: clock.now)
    }

    /// Runs pages, moving the clock an hour (past any backoff) after each, until no SMS is due.
    private func deliverAll(_ delivery: SMSDelivery, clock: TestClock, ledger: DeliveryLedger) async throws {
        var round = SMSDelivery.Round(limit: SMSRateLimit(perSecond: delivery.configuration.ratePerSecond, now: .now), installation: try ledger.installation())
        for _ in 0..<50 {
            _ = await delivery.deliverPage(&round)
            clock.advance(by: 3600)
            if try ledger.due(channel: "sms", now: clock.now, limit: 1).isEmpty { return }
        }
        Issue.record("SMS still due after 50 pages")
    }

    @Test func withHalfTheRequestsFailingEverySMSEndsDeliveredOnceOrFailed() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let gateway = try FakeSMSGateway(in: files, failEvery: 2, reject: ["-4-0"])
        defer { gateway.stop() }
        let clock = TestClock()
        let ledger = try DeliveryLedger(path: files.directory.appendingPathComponent("delivery.sqlite").path)
        let rows = (1...12).map { sms(Int64($0), phone: $0 == 7 ? nil : "09123456\(10 + $0)", clock: clock) }
        try ledger.addRecipients(rows + [RecipientDelivery(
            key: .init(outboxId: 1, recipient: 1), role: "group_leader", recipientId: "G1", channel: "group_list", updatedAt: clock.now,
        )], followedThrough: 12)
        let delivery = SMSDelivery(
            configuration: try configuration(gateway), ledger: ledger, logger: Logger(label: "test"), now: { clock.now }, jitter: { 0.5 })
        try await deliverAll(delivery, clock: clock, ledger: ledger)
        try await delivery.gateway.shutdown()

        let states = try ledger.deliveries(outboxIds: rows.map(\.key.outboxId))
        let requests = try gateway.requests()
        for row in rows {
            let final = try #require(states[row.key.outboxId]?.first { $0.channel == "sms" })
            let reference = SMSDelivery.reference(of: row.key, installation: try ledger.installation())
            let sent = requests.filter { $0["reference"] as? String == reference }
            switch row.key.outboxId {
            case 4:
                #expect(final.state == .failed && final.lastError?.hasPrefix("http 400") == true)
                #expect(sent.map { $0["status"] as? Int } == [400], "a refusal is not retried")
            case 7:
                #expect(final.state == .failed && final.lastError == "no_phone" && final.attempts == 1)
                #expect(sent.isEmpty, "no request without a phone")
            default:
                #expect(final.state == .delivered, "\(reference): \(final)")
                #expect(sent.filter { $0["status"] as? Int == 200 }.count == 1, "\(reference) accepted once")
                #expect(final.attempts == sent.count, "every request recorded")
                #expect(sent.last?["status"] as? Int == 200, "nothing sent after the acceptance")
            }
        }
        #expect(requests.contains { $0["status"] as? Int == 503 } && requests.contains { $0["status"] as? Int == 429 })
        #expect(!requests.contains { $0["duplicate"] as? Bool == true })
        #expect(states[1]?.first { $0.channel == "group_list" }?.state == .pending, "other channels are not the SMS channel's")
    }

    @Test func aGatewayThatAlwaysFailsEndsFailedAfterMaxAttempts() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let gateway = try FakeSMSGateway(in: files, failEvery: 1)
        defer { gateway.stop() }
        let clock = TestClock()
        let ledger = try DeliveryLedger(path: files.directory.appendingPathComponent("delivery.sqlite").path)
        try ledger.addRecipients([sms(1, phone: "0912345678", clock: clock)], followedThrough: 1)
        let delivery = SMSDelivery(
            configuration: try configuration(gateway, maxAttempts: 3), ledger: ledger, logger: Logger(label: "test"), now: { clock.now },
            jitter: { 0 })
        var round = SMSDelivery.Round(limit: SMSRateLimit(perSecond: 1000, now: .now), installation: try ledger.installation())
        let start = clock.now
        #expect(await delivery.deliverPage(&round) == 1)
        let first = try #require(try ledger.deliveries(outboxIds: [1])[1]?.first)
        #expect(first.state == .pending && first.attempts == 1 && first.lastError?.hasPrefix("http 503") == true)
        #expect(first.nextAttemptAt == start.addingTimeInterval(1), "half of the 2 s first step with no jitter")
        #expect(await delivery.deliverPage(&round) == 0, "not due before its backoff")
        try await deliverAll(delivery, clock: clock, ledger: ledger)
        try await delivery.gateway.shutdown()
        let final = try #require(try ledger.deliveries(outboxIds: [1])[1]?.first)
        #expect(final.state == .failed && final.attempts == 3)
        #expect(final.lastError?.hasSuffix("(gave up after 3 attempts)") == true)
        #expect(try gateway.requests().count == 3)
    }

    @Test func anOutcomeTheLedgerRefusesStopsSendingAndIsNotSentAgain() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let gateway = try FakeSMSGateway(in: files)
        defer { gateway.stop() }
        let clock = TestClock()
        let path = files.directory.appendingPathComponent("delivery.sqlite").path
        try DeliveryLedger(path: path).addRecipients(
            [sms(1, phone: "0912345678", clock: clock), sms(2, phone: "0912345679", clock: clock)], followedThrough: 2)
        // A ledger opened read-only refuses every write, as a full or broken disk would.
        let readOnly = try #require(try DeliveryLedger(readingOnly: path))
        let delivery = SMSDelivery(
            configuration: try configuration(gateway), ledger: readOnly, logger: Logger(label: "test"), now: { clock.now }, jitter: { 0 })
        var round = SMSDelivery.Round(limit: SMSRateLimit(perSecond: 1000, now: .now), installation: try readOnly.installation())
        #expect(await delivery.deliverPage(&round) == 0)
        #expect(round.unrecorded?.key == .init(outboxId: 1, recipient: 0) && round.unrecorded?.outcome == .delivered)
        for _ in 0..<3 { #expect(await delivery.deliverPage(&round) == 0) }
        try await delivery.gateway.shutdown()
        #expect(try gateway.requests().map { ($0["reference"] as? String)?.hasSuffix("-1-0") } == [true], "one request, never repeated, nothing after it")
    }

    @Test func outcomesFollowTheVerdictAndTheAttemptCount() throws {
        var configuration = try SMSGatewayConfiguration(
            url: "https://g.vn/", credentials: SMSCredentials(token: "t"), template: Self.template, sender: nil, insecure: false)
        configuration.maxAttempts = 4
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func outcome(_ sent: SMSSendOutcome, attempt: Int) -> DeliveryOutcome {
            SMSDelivery.outcome(of: sent, attempt: attempt, configuration: configuration, now: now, jitter: 1)
        }
        #expect(outcome(.accepted, attempt: 4) == .delivered)
        #expect(outcome(.permanent("http 400"), attempt: 1) == .failed(error: "http 400"))
        #expect(outcome(.transient("http 503"), attempt: 1) == .retry(at: now.addingTimeInterval(2), error: "http 503"))
        #expect(outcome(.transient("timeout"), attempt: 3) == .retry(at: now.addingTimeInterval(8), error: "timeout"))
        #expect(outcome(.transient("timeout"), attempt: 4) == .failed(error: "timeout (gave up after 4 attempts)"))
        #expect(SMSDelivery.reference(of: .init(outboxId: 42, recipient: 3), installation: "00ab12cd34ef") == "00ab12cd34ef-42-3")
    }
}
