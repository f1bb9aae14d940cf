import ChungTayAccess
import ChungTayClient
import ChungTayDelivery
import ChungTayStore
import ChungTayWire
import Foundation
import Logging
import Synchronization
import Testing
import ZeroMQ

/// The notification feed in-process on a real TCP port, over a real journal, store and
/// ledger, with `FeedSubscription` as the subscriber.
@Suite struct NotificationFeedTests {
    private let fixture: OutboxFixture
    private let journal: JobJournal
    private let ledger: DeliveryLedger

    init() throws {
        fixture = try OutboxFixture()
        journal = try JobJournal(path: fixture.directory.journalPath)
        ledger = try DeliveryLedger(path: fixture.directory.deliveryLedgerPath)
    }

    /// Commits `count` notifications with fresh keys (and one repeat of the first, which is suppressed).
    private func storeNotifications(_ count: Int, prefix: String) throws {
        let documents = (0..<count).map { index in (key: "\(prefix)-\(index)", bytes: OutboxFixture.notification("\(prefix)-\(index)")) }
        try fixture.store(documents + [documents[0]], batchId: "B", journal: journal)
    }

    /// A running feed and its bound endpoint; cancelling the task stops it.
    private func startFeed(
        at endpoint: String = "tcp://127.0.0.1:*", curve: NotificationFeed.Curve? = nil
    ) async throws -> (task: Task<Void, any Error>, endpoint: String) {
        let bound = Mutex<String?>(nil)
        let feed = NotificationFeed(endpoint: endpoint, ledger: ledger, outbox: try NotificationOutbox(dataDirectory: fixture.directory),
                                    curve: curve, logger: Logger(label: "feed-test")) { endpoint in bound.withLock { $0 = endpoint } }
        let task = Task { try await feed.run() }
        while bound.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        return (task, bound.withLock { $0 }!)
    }

    /// Reads notifications until `count` arrived (failing after 30 s of nothing), acknowledging those `ack` picks.
    private func receive(_ count: Int, from subscription: FeedSubscription, ack: (UInt64) -> Bool = { _ in true }) throws -> [UInt64] {
        var ids: [UInt64] = []
        while ids.count < count {
            let event = try #require(try subscription.next(timeout: .seconds(30)), "no notification in 30 s after \(ids.count)")
            guard case .notifications(let notifications) = event else { continue }
            ids += notifications.map(\.id)
            try subscription.acknowledge(notifications.map(\.id).filter(ack))
        }
        return ids
    }

    private func deliverableIds() throws -> [UInt64] {
        try NotificationOutbox(dataDirectory: fixture.directory).page(after: 0, limit: 10_000).deliverable.map { UInt64($0.id) }
    }

    @Test func everyNotificationComesOnceInIdOrderAndAnAcknowledgedOneNeverAgain() async throws {
        try storeNotifications(300, prefix: "a")
        let (feed, endpoint) = try await startFeed()
        defer { feed.cancel() }
        let expected = try deliverableIds()
        #expect(expected.count == 300, "the repeat is suppressed")

        let first = try FeedSubscription(endpoint: endpoint, subscriber: "bank", window: 40)
        #expect(try receive(300, from: first) == expected)
        first.close()
        // A second name gets everything too, whatever the first acknowledged.
        let other = try FeedSubscription(endpoint: endpoint, subscriber: "audit", window: 1000)
        #expect(try receive(300, from: other) == expected)
        other.close()

        // Once the acknowledgements are on disk, the name comes back to nothing but what is new.
        let last = try #require(expected.last)
        try await eventually { try ledger.feedCursor(subscriber: "bank", limit: 10).ackedThrough >= Int64(last) }
        try storeNotifications(5, prefix: "b")
        let again = try FeedSubscription(endpoint: endpoint, subscriber: "bank", window: 40)
        #expect(try receive(5, from: again) == Array(try deliverableIds().suffix(5)))
        again.close()
    }

    @Test func whatWasNotAcknowledgedComesAgainToTheNextConnectionAndTheOldOneIsToldItWasSuperseded() async throws {
        try storeNotifications(30, prefix: "c")
        let (feed, endpoint) = try await startFeed()
        defer { feed.cancel() }
        let ids = try deliverableIds()
        let skipped: Set<UInt64> = [ids[5], ids[6], ids[9]]

        let crashed = try FeedSubscription(endpoint: endpoint, subscriber: "bank", window: 10)
        #expect(try receive(10, from: crashed) { !skipped.contains($0) } == Array(ids.prefix(10)))
        // The window is full with three unacknowledged: nothing more comes until they are.
        try await eventually {
            try ledger.feedCursor(subscriber: "bank", limit: 10) == FeedCursor(ackedThrough: Int64(ids[4]), ackedAbove: [7, 8].map { Int64(ids[$0]) })
        }

        // A new connection with the name (a restarted subscriber) takes over at once.
        let restarted = try FeedSubscription(endpoint: endpoint, subscriber: "bank", window: 10)
        let resent = try receive(3 + 20, from: restarted)
        #expect(Array(resent.prefix(3)) == [ids[5], ids[6], ids[9]], "the unacknowledged ones first, the acknowledged skipped")
        #expect(Array(resent.dropFirst(3)) == Array(ids.dropFirst(10)))
        #expect(throws: ClientError.self, "the old connection hears `superseded`") {
            for _ in 0..<3 { _ = try crashed.next(timeout: .seconds(10)) }
        }
        restarted.close()
    }

    @Test func aFeedRestartSendsOnlyWhatWasNotAcknowledgedOnDisk() async throws {
        try storeNotifications(20, prefix: "d")
        let ids = try deliverableIds()
        var (feed, endpoint) = try await startFeed()
        let subscription = try FeedSubscription(endpoint: endpoint, subscriber: "bank", window: 5)
        _ = try receive(5, from: subscription) { $0 != ids[2] }
        try await eventually { try ledger.feedCursor(subscriber: "bank", limit: 10).ackedAbove.count == 2 }
        feed.cancel()
        _ = await feed.result

        // The same port, as a restarted dispatcher binds it: the subscriber's heartbeat gets
        // not_ready, it says HELLO, and the session goes on from the durable cursor.
        (feed, endpoint) = try await startFeed(at: endpoint)
        defer { feed.cancel() }
        // The one never acknowledged comes again, but this subscription handed it out
        // already and waits for its caller's acknowledgement: the caller sees only new ones.
        let rest = try receive(15, from: subscription)
        #expect(rest == Array(ids.dropFirst(5)))
        try subscription.acknowledge([ids[2]])
        let last = try #require(ids.last)
        try await eventually { try ledger.feedCursor(subscriber: "bank", limit: 10).ackedThrough >= Int64(last) }
        subscription.close()
    }

    @Test func withCurveOnlyOperatorKeysAreServed() async throws {
        try storeNotifications(3, prefix: "e")
        let allow = fixture.directory.root.appendingPathComponent("allow")
        let server = try CurveKeyPair.generate()
        var keys: [PeerRole: CurveKeyPair] = [:]
        for role in [PeerRole.operators, .clients] {
            let pair = try CurveKeyPair.generate()
            keys[role] = pair
            let directory = allow.appendingPathComponent(role.rawValue)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Data((pair.publicKey + "\n").utf8).write(to: directory.appendingPathComponent("k.key"))
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: allow.path)
        let access = try AccessControl(directory: allow.path, serverPublicKey: server.publicKey, logger: Logger(label: "feed-test"))
        let (feed, endpoint) = try await startFeed(curve: NotificationFeed.Curve(keyPair: server, access: access))
        defer { feed.cancel() }

        let operatorSubscription = try FeedSubscription(
            endpoint: endpoint, subscriber: "bank", window: 10, curve: CurveClientKeys(serverPublicKey: server.publicKey, keyPair: keys[.operators]!))
        #expect(try receive(3, from: operatorSubscription) == (try deliverableIds()))
        operatorSubscription.close()

        let client = try FeedSubscription(
            endpoint: endpoint, subscriber: "bank", window: 10, curve: CurveClientKeys(serverPublicKey: server.publicKey, keyPair: keys[.clients]!))
        #expect(throws: ClientError.self, "a client key is refused in the handshake") {
            for _ in 0..<10 { _ = try client.next(timeout: .seconds(3)) }
        }
    }

    private func eventually(_ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try !condition() {
            #expect(ContinuousClock.now < deadline, "condition not met in 30 s")
            if ContinuousClock.now >= deadline { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
