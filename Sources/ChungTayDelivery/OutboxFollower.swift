public import ChungTayStore
public import Foundation
public import Logging
public import ServiceLifecycle

/// Turns the outbox's new notifications into recipient rows of the `DeliveryLedger`, from
/// which each channel delivers: it reads the journal's outbox read-only, after the ledger's
/// mark, and adds a page of notifications' recipients with the new mark in one ledger
/// transaction, so a crash anywhere repeats no row and skips none.
///
/// It runs in the dispatcher's process beside the dispatcher's thread and never touches
/// it: a slow disk or a long page here costs delivery latency, not task throughput.
public struct OutboxFollower: Service {
    /// Outbox rows per ledger transaction.
    static let pageSize = 100

    let outbox: NotificationOutbox
    let ledger: DeliveryLedger
    let interval: Duration
    let logger: Logger

    public init(outbox: NotificationOutbox, ledger: DeliveryLedger, interval: Duration = .milliseconds(200), logger: Logger) {
        self.outbox = outbox
        self.ledger = ledger
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // A lasting failure (a damaged store) is logged once, then once more when it ends.
        var failing = false
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                // A page per interval, so at most `pageSize / interval` notifications a second
                // (500 by default): a 1,000,000-household batch stores ~530,000, and following
                // them at 2,500 a second took 5 s of CPU from the workers' two cores during
                // the batch (`scripts/bench-batch 1000000`). The SMS channel sends tens a second,
                // so the lag costs it nothing; the feed and the print read the outbox themselves.
                try followPage()
                if failing { logger.notice("following the notifications outbox again") }
                failing = false
            } catch {
                if !failing { logger.warning("cannot follow the notifications outbox; trying again", metadata: ["error": "\(error)"]) }
                failing = true
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Adds the recipients of up to a page of outbox rows (suppressed ones have none) and
    /// says how many rows it read: 0 at the end.
    @discardableResult
    public func followPage(now: Date = Date()) throws(StoreError) -> Int {
        let page = try outbox.page(after: try ledger.followedThrough(), limit: Self.pageSize)
        guard let readThrough = page.readThrough else { return 0 }
        var rows: [RecipientDelivery] = []
        for entry in page.deliverable {
            guard let document = NotificationDocument(try outbox.document(of: entry)) else {
                // Only a damaged store gives this: the dispatcher stores what workers sent
                // as one-line objects. Nobody can be addressed; the mark moves on.
                logger.error("a notification in the outbox is not a JSON object; it is not delivered", metadata: [
                    "outboxId": "\(entry.id)", "file": "\(entry.location.file)",
                ])
                continue
            }
            for recipient in document.recipients {
                let sms = recipient.channel == "sms"
                rows.append(RecipientDelivery(
                    key: .init(outboxId: entry.id, recipient: recipient.position), role: recipient.role, recipientId: recipient.id,
                    channel: recipient.channel, address: sms ? recipient.phone : nil, text: sms ? document.sms : nil, updatedAt: now))
            }
        }
        try ledger.addRecipients(rows, followedThrough: readThrough)
        logger.debug("notifications followed", metadata: ["notifications": "\(page.deliverable.count)", "through": "\(readThrough)"])
        return page.rowsRead
    }
}
