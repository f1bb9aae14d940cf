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

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? Array(encoder.encode(self))) ?? Array("{}".utf8)
    }
}
