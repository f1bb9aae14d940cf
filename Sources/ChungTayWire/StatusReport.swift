/// STATUS-REPORT's document, which `chungtay status --json` prints: workers, queues by
/// kind, dead letters. The dispatcher encodes it and clients decode it with this one type,
/// so the two sides cannot drift apart.
public struct StatusReport: Codable, Equatable, Sendable {
    public struct Worker: Codable, Equatable, Sendable {
        public var name: String
        /// `native` (CTWP01) or `mdp` (MDPW01).
        public var `protocol`: String
        public var kinds: [String]
        public var credit: Int
        public var inFlight: Int
        public var lastSeenSecondsAgo: Double

        public init(name: String, protocol: String, kinds: [String], credit: Int, inFlight: Int, lastSeenSecondsAgo: Double) {
            self.name = name
            self.protocol = `protocol`
            self.kinds = kinds
            self.credit = credit
            self.inFlight = inFlight
            self.lastSeenSecondsAgo = lastSeenSecondsAgo
        }
    }

    public struct Queue: Codable, Equatable, Sendable {
        public var queued: Int
        public var delayed: Int
        public var running: Int
        public var completed: Int
        public var dead: Int

        public init(queued: Int, delayed: Int, running: Int, completed: Int, dead: Int) {
            self.queued = queued
            self.delayed = delayed
            self.running = running
            self.completed = completed
            self.dead = dead
        }
    }

    public var clientEndpoint: String
    public var workerEndpoint: String
    public var draining: Bool
    public var uptimeSeconds: Double
    public var workers: [Worker]
    /// By kind name: the names of kinds from the wire, which are any valid names.
    public var queues: [String: Queue]
    public var deadLetters: Int
    /// WAIT requests not answered yet, and MDP requests whose client awaits the reply:
    /// both end when the job does or when the client disconnects.
    public var pendingWaits: Int
    public var pendingMajordomoReplies: Int

    public init(
        clientEndpoint: String, workerEndpoint: String, draining: Bool, uptimeSeconds: Double, workers: [Worker],
        queues: [String: Queue], deadLetters: Int, pendingWaits: Int, pendingMajordomoReplies: Int
    ) {
        self.clientEndpoint = clientEndpoint
        self.workerEndpoint = workerEndpoint
        self.draining = draining
        self.uptimeSeconds = uptimeSeconds
        self.workers = workers
        self.queues = queues
        self.deadLetters = deadLetters
        self.pendingWaits = pendingWaits
        self.pendingMajordomoReplies = pendingMajordomoReplies
    }

    /// Slashes stay escaped (`tcp:\/\/…`), as the report has always been sent.
    public func encoded() throws(WireError) -> [UInt8] {
        try ReplyJSON.encode(self, escapingSlashes: true)
    }

    public init(json: [UInt8]) throws(WireError) {
        self = try ReplyJSON.decode(Self.self, from: json)
    }
}
