import ChungTayDelivery
import ChungTayStore
import Foundation
import Logging

/// Records that a print delivered its notifications' `letter` and `group_list`
/// recipients (RULES.md section 3's channels for commune offices, group leaders and
/// associations), in the data directory's `DeliveryLedger`, so `notifications list`
/// shows them delivered and nothing sends them again.
///
/// The ledger has a row for a recipient once the dispatcher's `OutboxFollower` has
/// reached its notification. A print right after a batch (or with the dispatcher
/// stopped) may be ahead of it, so the print first follows the outbox itself, with the
/// same follower: adding recipients is idempotent (rows are inserted once, the mark only
/// moves forward), so the two followers can run side by side. The ledger waits for a
/// busy writer, so this is safe beside a running dispatcher.
enum PrintedDeliveries {
    /// Marks the printed recipients of these outbox entries delivered; returns how many
    /// recipients moved from pending to delivered.
    static func record(outboxIds: [Int64], dataDirectory: URL) throws -> Int {
        guard !outboxIds.isEmpty else { return 0 }
        let data = DataDirectory(root: dataDirectory)
        let ledger = try DeliveryLedger(path: data.deliveryLedgerPath)
        let follower = OutboxFollower(
            outbox: try NotificationOutbox(dataDirectory: data), ledger: ledger, logger: Logger(label: "chungtay.notifications.print"))
        while try follower.followPage() > 0 {}
        var keys: [RecipientDelivery.Key] = []
        for (_, rows) in try ledger.deliveries(outboxIds: outboxIds) {
            for row in rows where row.state == .pending && (row.channel == "letter" || row.channel == "group_list") {
                keys.append(row.key)
            }
        }
        try ledger.markDelivered(keys, now: Date())
        return keys.count
    }
}
