#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import ZeroMQ

/// What `chungtay notifications follow --json` printed: one notification document per line with its id first.
private struct FollowedNotification {
    var id: Int
    var dedupKey: String
    var batchId: String?
}

extension Sandbox {
    /// A loopback TCP endpoint with a port nobody listens on now (bound, then released), for
    /// an endpoint that must survive the restart of the process binding it.
    func freeLoopbackEndpoint() throws -> String {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .router)
        try socket.setLinger(milliseconds: 0)
        try socket.bind("tcp://127.0.0.1:*")
        let endpoint = try socket.lastEndpoint
        socket.close()
        return endpoint
    }

    fileprivate func followed(_ child: ChildProcess) throws -> [FollowedNotification] {
        try child.stdout.split(separator: "\n").map { line in
            let object = try JSON.object(String(line))
            return FollowedNotification(id: try #require(object["id"] as? Int), dedupKey: try #require(object["dedupKey"] as? String),
                                        batchId: object["batchId"] as? String)
        }
    }

    /// The cursors a follower was welcomed with (its info lines), in order.
    fileprivate func welcomedCursors(_ child: ChildProcess) -> [Int] {
        child.stderr.split(separator: "\n").filter { $0.contains("following the notification feed") }.compactMap { line in
            line.firstMatch(of: /ackedThrough=(\d+)/).flatMap { Int($0.1) }
        }
    }

    fileprivate func follow(_ name: String, subscriber: String, feed: String, window: Int = 20, count: Int? = nil) throws -> ChildProcess {
        try spawn(name, ["notifications", "follow", "--connect", feed, "--subscriber", subscriber, "--json", "--window", String(window)]
            + (count.map { ["--count", String($0)] } ?? []))
    }
}

extension SystemTests {
    /// The feed end to end: a subscriber follows a batch's notifications while the dispatcher
    /// is killed (-9) and restarted, then is killed (-9) itself and restarted; in the end it
    /// has every deliverable notification, and the only repeats are notifications its killed
    /// process had not had acknowledged on disk. A second subscriber gets everything too; a
    /// second batch of the same list adds nothing (its notifications are suppressed).
    @Test func theFeedDeliversEveryNotificationAtLeastOnceAcrossKillsOfEitherSide() throws {
        let sandbox = try Sandbox("feed")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 400, seed: 21, badRate: 0.05)
        let feed = try sandbox.freeLoopbackEndpoint()
        let dispatcher = try sandbox.startDispatcher(extra: ["--notify-feed", feed])
        for name in ["A", "B"] { _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds) }
        func submit(_ name: String, asOf: String, endpoint: String, wait: Bool) throws -> String {
            let result = try sandbox.cli([
                "batch", "submit", "--households", input.appendingPathComponent("households.jsonl").path,
                "--loans", input.appendingPathComponent("loans.jsonl").path, "--as-of", asOf, "--name", name,
                "--chunk-size", "5", "--connect", endpoint,
            ] + (wait ? ["--wait"] : []), timeout: .seconds(180))
            #expect(result.status == 0, "\(result)")
            return try #require(batchId(result), "\(result)")
        }

        let first = try sandbox.follow("follow-1", subscriber: "bank", feed: feed)
        let batch = try submit("feed-1", asOf: "2026-11-27", endpoint: dispatcher.clientEndpoint, wait: false)
        try sandbox.eventually("the first notifications followed") { try sandbox.followed(first).count >= 20 ? true : nil }
        dispatcher.process.signal(SIGKILL)
        #expect(dispatcher.process.waitForExit(timeout: .seconds(10)))
        let restarted = try sandbox.startDispatcher(
            name: "dispatcher-2", clientEndpoint: dispatcher.clientEndpoint, workerEndpoint: dispatcher.workerEndpoint,
            extra: ["--notify-feed", feed])
        let beforeKill = try sandbox.followed(first).count
        // The restarted dispatcher welcomes the follower back and it goes on: 20 more
        // notifications, or every one the batch has stored when the batch finished before
        // the kill (a fast machine reviews these 400 households in a quarter of a second).
        try sandbox.eventually("notifications followed after the dispatcher's restart") { () -> Bool? in
            guard sandbox.welcomedCursors(first).count >= 2 else { return nil }
            let followed = Set(try sandbox.followed(first).map(\.dedupKey))
            if followed.count >= beforeKill + 20 { return true }
            let stored = Set(sandbox.batchDocuments("notify.emit", batch: batch).compactMap { $0["dedupKey"] as? String })
            return stored.isSubset(of: followed) ? true : nil
        }
        first.signal(SIGKILL)
        #expect(first.waitForExit(timeout: .seconds(10)))
        let second = try sandbox.follow("follow-2", subscriber: "bank", feed: feed)
        _ = try submit("feed-1", asOf: "2026-11-27", endpoint: restarted.clientEndpoint, wait: true)

        // Every deliverable notification: one per distinct dedupKey of the batch's stored notifications.
        let keys = Set(sandbox.batchDocuments("notify.emit", batch: batch).compactMap { $0["dedupKey"] as? String })
        #expect(keys.count > 100)
        try sandbox.eventually("every notification followed", timeout: .seconds(120)) { () -> Bool? in
            Set(try sandbox.followed(first).map(\.dedupKey) + sandbox.followed(second).map(\.dedupKey)) == keys ? true : nil
        }
        let early = try sandbox.followed(first)
        let late = try sandbox.followed(second)
        for (name, followed) in [("follow-1", early), ("follow-2", late)] {
            #expect(Set(followed.map(\.id)).count == followed.count, "\(name) printed an id twice (it dedupes within a process)")
            #expect(followed.map(\.id) == followed.map(\.id).sorted(), "\(name) went back in ids")
        }
        #expect(Set((early + late).map(\.id)).count == keys.count, "one id per notification")
        // Repeats only of what follow-1 had not had acknowledged on disk when it was killed:
        // above the cursor follow-2 was welcomed with, and at most a window of them.
        let cursor = try #require(sandbox.welcomedCursors(second).first, "\(sandbox.logs())")
        let repeats = Set(early.map(\.id)).intersection(late.map(\.id))
        #expect(repeats.allSatisfy { $0 > cursor }, "a repeat at or below the durable cursor \(cursor): \(repeats.sorted())")
        #expect(repeats.count <= 20, "more repeats than the window: \(repeats.count)")
        #expect(!sandbox.welcomedCursors(first).isEmpty)

        // Another name gets everything, in id order.
        let audit = try sandbox.follow("follow-audit", subscriber: "audit", feed: feed, window: 1000, count: keys.count)
        #expect(audit.waitForExit(timeout: .seconds(120)), "\(sandbox.logs())")
        #expect(audit.exitStatus == 0, "\(sandbox.logs())")
        let everything = try sandbox.followed(audit)
        #expect(everything.map(\.id) == everything.map(\.id).sorted() && Set(everything.map(\.dedupKey)) == keys)

        // The same list again under another name: every notification is suppressed, so the
        // next one the feed delivers to `bank` is a new month's (the third batch's).
        second.signal(SIGTERM)
        #expect(second.waitForExit(timeout: .seconds(10)) && second.exitStatus == 0, "SIGTERM ends a follower cleanly")
        let again = try submit("feed-2", asOf: "2026-11-27", endpoint: restarted.clientEndpoint, wait: true)
        #expect(!sandbox.batchDocuments("notify.emit", batch: again).isEmpty, "the second batch stored its notifications")
        let nextMonth = try submit("feed-3", asOf: "2026-12-27", endpoint: restarted.clientEndpoint, wait: true)
        let third = try sandbox.follow("follow-3", subscriber: "bank", feed: feed, count: 1)
        #expect(third.waitForExit(timeout: .seconds(120)), "\(sandbox.logs())")
        #expect(try sandbox.followed(third).map(\.batchId) == [nextMonth], "a notification of the repeated list was delivered")
    }
}
