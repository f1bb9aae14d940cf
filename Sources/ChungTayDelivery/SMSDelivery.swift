public import ChungTayStore
public import Foundation
public import Logging
public import ServiceLifecycle

/// The SMS channel: sends the ledger's due `sms` deliveries through the gateway, one request
/// at a time within `--sms-rate`, and records each outcome in the ledger before the next
/// request. A transient failure is tried again after ``SMSBackoff``'s wait until
/// `--sms-max-attempts`, then `failed`; a refusal is `failed` at once, and so is a recipient
/// without a phone (`no_phone`) or a notification without an SMS text (`no_text`).
///
/// At least once: a crash (or a ledger that cannot be written) between the gateway's 2xx and
/// the ledger's record sends that message again after the restart, with the same
/// `{reference}` (`INSTALLATION-OUTBOX-RECIPIENT`), which a gateway that de-duplicates by its request id
/// recognises. Nothing else is sent twice: a delivered row is never due again.
///
/// Runs in the dispatcher's process beside the dispatcher's thread and never touches it; a
/// slow or dead gateway delays SMS, never tasks. On graceful shutdown it finishes the request
/// in flight (bounded by the request timeout) and records it, so no answer is thrown away.
public struct SMSDelivery: Service {
    public static let channel = "sms"
    /// Deliveries read from the ledger at once.
    static let pageSize = 100

    let configuration: SMSGatewayConfiguration
    let gateway: SMSGateway
    let ledger: DeliveryLedger
    let logger: Logger
    let idleInterval: Duration
    let now: @Sendable () -> Date
    let jitter: @Sendable () -> Double

    /// - Parameters:
    ///   - idleInterval: the pause when nothing is due.
    ///   - now: the time due rows and backoff are computed against (tests move it).
    ///   - jitter: a number in 0..<1 per retry (``SMSBackoff``).
    public init(
        configuration: SMSGatewayConfiguration, ledger: DeliveryLedger, logger: Logger, idleInterval: Duration = .milliseconds(500),
        now: @escaping @Sendable () -> Date = { Date() }, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        gateway = SMSGateway(configuration: configuration)
        self.ledger = ledger
        self.logger = logger
        self.idleInterval = idleInterval
        self.now = now
        self.jitter = jitter
    }

    public func run() async throws {
        logger.info("sending SMS", metadata: ["gateway": "\(configuration.url.host ?? "")", "rate": "\(configuration.ratePerSecond)"])
        var round = Round(limit: SMSRateLimit(perSecond: configuration.ratePerSecond, now: .now), installation: try ledger.installation())
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if await deliverPage(&round) == 0 { await Self.pause(idleInterval) }
        }
        try? await gateway.shutdown()
    }

    /// What one page leaves to the next: the rate limit's bucket, and an outcome the ledger
    /// would not take. While that outcome is unrecorded nothing else is sent, and its message
    /// is not sent again: a ledger that cannot be written must not turn into one SMS a second.
    struct Round {
        var limit: SMSRateLimit
        /// The ledger's `installation()`, the first part of every `{reference}`.
        let installation: String
        var unrecorded: (key: RecipientDelivery.Key, outcome: DeliveryOutcome)?
    }

    /// Sends up to a page of due deliveries, each outcome recorded before the next request;
    /// returns how many were handled (0: none due, or the ledger could not be read or written).
    func deliverPage(_ round: inout Round) async -> Int {
        if let (key, outcome) = round.unrecorded {
            guard record(outcome, for: key) else { return 0 }
            round.unrecorded = nil
        }
        let due: [RecipientDelivery]
        do {
            due = try ledger.due(channel: Self.channel, now: now(), limit: Self.pageSize)
        } catch {
            logger.error("cannot read due SMS from the delivery ledger; trying again", metadata: ["error": "\(error)"])
            return 0
        }
        var handled = 0
        for delivery in due {
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { break }
            let outcome: DeliveryOutcome
            if let problem = Self.unsendable(delivery) {
                outcome = .failed(error: problem)
            } else {
                let wait = round.limit.take(now: .now)
                if wait > .zero { await Self.pause(wait) }
                let message = SMSGateway.Message(phone: delivery.address ?? "", text: delivery.text ?? "", reference: Self.reference(of: delivery.key, installation: round.installation))
                outcome = Self.outcome(
                    of: await gateway.send(message), attempt: delivery.attempts + 1, configuration: configuration, now: now(), jitter: jitter())
            }
            guard record(outcome, for: delivery.key) else {
                round.unrecorded = (delivery.key, outcome)
                return handled
            }
            log(outcome, of: delivery)
            handled += 1
        }
        return handled
    }

    /// Writes an outcome to the ledger; false (logged) when the ledger refuses it. Should the
    /// process stop before it is written, the message is due again after the restart and sent
    /// again with its reference.
    private func record(_ outcome: DeliveryOutcome, for key: RecipientDelivery.Key) -> Bool {
        do {
            try ledger.record(outcome, for: key, now: now())
            return true
        } catch {
            logger.error("cannot record an SMS outcome in the delivery ledger; sending nothing until it can", metadata: [
                "outboxId": "\(key.outboxId)", "recipient": "\(key.recipient)", "error": "\(error)",
            ])
            return false
        }
    }

    /// `INSTALLATION-OUTBOX-RECIPIENT`: the same for every attempt of one recipient's
    /// message, and for nothing else, even with many data directories on one gateway account.
    static func reference(of key: RecipientDelivery.Key, installation: String) -> String {
        "\(installation)-\(key.outboxId)-\(key.recipient)"
    }

    /// Why no request can be made for a delivery, if so.
    static func unsendable(_ delivery: RecipientDelivery) -> String? {
        if (delivery.address ?? "").isEmpty { return "no_phone" }
        if (delivery.text ?? "").isEmpty { return "no_text" }
        return nil
    }

    /// What the ledger records after the `attempt`-th request (1 for the first) came to `sent`.
    static func outcome(
        of sent: SMSSendOutcome, attempt: Int, configuration: SMSGatewayConfiguration, now: Date, jitter: Double
    ) -> DeliveryOutcome {
        switch sent {
        case .accepted:
            return .delivered
        case .permanent(let error):
            return .failed(error: error)
        case .transient(let error):
            guard attempt < configuration.maxAttempts else {
                return .failed(error: "\(error) (gave up after \(attempt) attempts)")
            }
            let wait = configuration.backoff.delay(afterAttempts: attempt, jitter: jitter)
            let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            return .retry(at: now.addingTimeInterval(seconds), error: error)
        }
    }

    private func log(_ outcome: DeliveryOutcome, of delivery: RecipientDelivery) {
        let metadata: Logger.Metadata = ["outboxId": "\(delivery.key.outboxId)", "recipient": "\(delivery.key.recipient)"]
        switch outcome {
        case .delivered:
            logger.debug("SMS accepted by the gateway", metadata: metadata)
        case .retry(let at, let error):
            logger.info("SMS not sent; trying again", metadata: metadata.merging(["error": "\(error)", "at": "\(at)"]) { $1 })
        case .failed(let error):
            logger.warning("SMS failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    /// Sleeps, waking early on graceful shutdown.
    private static func pause(_ duration: Duration) async {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
