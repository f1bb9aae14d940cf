import ChungTayWire

/// MDP clients waiting for a job's reply (7/MDP has no request id: the job id stands in),
/// indexed by client too, so a departed client's slots go without a scan of everyone's.
struct MajordomoReplies {
    struct Client {
        var envelope: Envelope
        var service: String
    }

    /// Most replies one MDP client peer, and all together, may await: each slot lasts until
    /// its job is final, so without them requests could grow this table without end. 7/MDP
    /// clients have one request outstanding (a REQ socket) or a few (asynchronous ones).
    static let maxPerPeer = 16
    static let maxTotal = 1024

    private var byJob: [UInt64: Client] = [:]
    private var byPeer: [[UInt8]: Set<UInt64>] = [:]

    /// Replies awaited, for STATUS.
    var count: Int { byJob.count }

    func isAwaited(_ jobId: UInt64) -> Bool { byJob[jobId] != nil }

    /// Why one more request of this peer is refused, or nil when it may wait; `inTurn`
    /// counts the requests of this peer, and of all peers, taken this turn and not yet
    /// journalled (their slots are added when the commit acknowledges them).
    func refusal(for routingId: [UInt8], inTurn: (peer: Int, total: Int)) -> String? {
        if byPeer[routingId, default: []].count + inTurn.peer >= Self.maxPerPeer {
            return "this client already awaits \(Self.maxPerPeer) replies"
        }
        return byJob.count + inTurn.total >= Self.maxTotal ? "the dispatcher already holds \(Self.maxTotal) pending MDP replies" : nil
    }

    mutating func add(_ client: Client, for jobId: UInt64) {
        byJob[jobId] = client
        byPeer[client.envelope.routingId, default: []].insert(jobId)
    }

    /// The client awaiting this job's reply, no longer awaiting it.
    mutating func take(_ jobId: UInt64) -> Client? {
        guard let client = byJob.removeValue(forKey: jobId) else { return nil }
        byPeer[client.envelope.routingId]?.remove(jobId)
        if byPeer[client.envelope.routingId]?.isEmpty == true { byPeer[client.envelope.routingId] = nil }
        return client
    }

    /// Drops every slot of the peer with this routing id; returns how many there were.
    mutating func removeAll(from routingId: [UInt8]) -> Int {
        let jobIds = byPeer.removeValue(forKey: routingId) ?? []
        for jobId in jobIds { byJob[jobId] = nil }
        return jobIds.count
    }
}
