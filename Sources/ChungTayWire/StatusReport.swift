import Foundation

/// What `chungtay status --json` prints: workers, queues by kind, dead letters.
struct StatusReport: Encodable {
    struct Worker: Encodable {
        var name: String
        var `protocol`: String
        var kinds: [String]
        var credit: Int
        var inFlight: Int
        var lastSeenSecondsAgo: Double
    }

    struct Queue: Encodable {
        var queued: Int
        var delayed: Int
        var running: Int
        var completed: Int
        var dead: Int
    }

    var clientEndpoint: String
    var workerEndpoint: String
    var draining: Bool
    var uptimeSeconds: Double
    var workers: [Worker]
    var queues: [String: Queue]
    var deadLetters: Int
    /// WAIT requests not answered yet, and MDP requests whose client awaits the reply:
    /// both end when the job does or when the client disconnects.
    var pendingWaits: Int
    var pendingMajordomoReplies: Int

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? Array(encoder.encode(self))) ?? Array("{}".utf8)
    }
}
