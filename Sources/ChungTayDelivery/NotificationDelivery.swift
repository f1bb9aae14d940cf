public import ChungTayStore
public import Logging
public import ServiceLifecycle

/// Every delivery service of the dispatcher's process under one lifecycle: once the
/// dispatcher is ready (its journal exists and is migrated), it opens the outbox and the
/// ledger and runs the `OutboxFollower` with the configured channels, each as a child
/// task, until a graceful shutdown.
public struct NotificationDelivery: Service {
    /// Makes the channel services (feed, SMS) over the opened outbox and ledger.
    public typealias Channels = @Sendable (NotificationOutbox, DeliveryLedger) throws -> [any Service]

    let dataDirectory: DataDirectory
    let ready: @Sendable () async -> Void
    let channels: Channels
    let logger: Logger

    public init(
        dataDirectory: DataDirectory, ready: @escaping @Sendable () async -> Void, channels: @escaping Channels, logger: Logger
    ) {
        self.dataDirectory = dataDirectory
        self.ready = ready
        self.channels = channels
        self.logger = logger
    }

    public func run() async throws {
        await ready()
        // Delivery failing must not stop the queue: it logs, waits and starts over, and the
        // outbox keeps every notification until it is back.
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await runOnce()
                return
            } catch {
                logger.error("notification delivery stopped; starting it again in 5 s", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    private func runOnce() async throws {
        let outbox = try NotificationOutbox(dataDirectory: dataDirectory)
        let ledger = try DeliveryLedger(path: dataDirectory.deliveryLedgerPath)
        let services = [OutboxFollower(outbox: outbox, ledger: ledger, logger: logger)] + (try channels(outbox, ledger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services { group.addTask { try await service.run() } }
            try await group.waitForAll()
        }
    }
}
