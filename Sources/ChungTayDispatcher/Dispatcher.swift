import ChungTayAccess
import ChungTayStore
import ChungTayWire
import Foundation
public import Logging
public import ZeroMQ

/// The dispatcher's event loop: one thread owns both ROUTER sockets, the journal and the
/// store, and runs turns until asked to stop.
///
/// A turn reads everything the sockets have ready, makes all of it durable in one
/// journal commit (group commit: one fsync for many jobs), then answers clients and hands
/// queued tasks to workers with free credit. Nothing is acknowledged before its commit,
/// and nothing is sent to a worker that the journal does not already hold, so a kill -9
/// at any instant loses no acknowledged job.
///
/// ``run(shouldStop:)`` is a loop over ``runTurn(pollTimeoutMilliseconds:)``; a test runs
/// turns one at a time, over `inproc://` sockets of the context it hands in, with a clock it
/// advances itself.
public final class Dispatcher<Clock: DispatcherClock> {
    let configuration: DispatcherConfiguration
    let logger: Logger
    let context: ZMQContext
    let clientSocket: ZMQSocket
    let workerSocket: ZMQSocket
    let clientPeers: PeerConnections
    let workerPeers: PeerConnections
    let journal: JobJournal
    /// Result documents and batch summaries (see ``DispatcherStorage``).
    let store: ResultStore
    /// Job payloads (see ``DispatcherStorage``).
    let payloadStore: ResultStore
    /// The audit trail and the lines waiting for it (see `Dispatcher+Audit.swift`).
    let auditTrail: AuditTrail
    var audit = AuditBuffer()
    let clock: Clock
    let retryPolicy: RetryPolicy
    let startedAt: Double
    var poller = ZMQPoller()
    /// When the last poll returned, to tell the loop's own absences from workers' silence.
    var lastPollEnded: Double
    /// Freed memory goes back to the system once a second (`MemoryTrim`).
    var memoryTrim: MemoryTrim

    var queues: TaskQueues
    var delayed = DelayedTasks()
    var leases = LeaseTable()
    var workers = WorkerRegistry()
    var waits = WaitList()
    var batchFollowers = BatchFollowers()
    var majordomoClients = MajordomoReplies()
    /// What `status` and `top` show beyond the queues.
    var figures = OperatorFigures()
    var acceptedKinds: Set<String>
    var announcedKinds: AnnouncedKinds
    var kindCounts: [String: KindCounts]
    var batches: BatchTable
    /// Batches whose completion could not be recorded yet; tried again every turn.
    var pendingBatchCompletions: Set<String> = []
    var draining = false
    /// Set when the store could not be rolled back after a failed commit; the loop then stops.
    var storageBroken = false
    var storageBackoff = StorageBackoff()
    /// Payload segments may have become unneeded: at start, when a payload segment fills
    /// up, and when a batch completes.
    var payloadCollectionDue = true
    var payloadRolloversSeen = 0
    var nextHeartbeat = 0.0
    var nextLeaseExpiry = 0.0
    /// Worker departures and silence are judged once the worker socket was read empty, so a
    /// departed worker's last RESULT is stored first and a queued heartbeat counts; but at
    /// least every ``maxRosterPostponement`` seconds of backlog, so a flood cannot keep dead
    /// workers' leases for good. Then a departed worker's message still queued finds it
    /// unregistered: a RESULT is lost and the task runs again (one document all the same).
    /// ROUTER reads its peers in turn, so a live worker's heartbeat is not stuck behind
    /// another peer's flood.
    var workerRoster = BacklogPostponement(limit: maxRosterPostponement)
    var dispatchRound = 0
    /// Who may connect, with CURVE (see `Dispatcher+Access.swift`); nil: nothing is checked.
    let access: AccessControl?
    /// Answers libzmq's ZAP requests for the sockets' domains; kept as long as the sockets.
    let zapHandler: ZAPHandler?
    /// With CURVE, the `User-Id`s the handler gives: every message's is reduced to its key
    /// as it is read, and one without this process's token to none (see ``ZAPUserIds``).
    let userIds: ZAPUserIds?
    /// The dispatcher's copy of the allow list, taken when ``AccessControl/generation``
    /// moves (a SIGHUP reload), so checking a message takes no lock.
    var allowList = AllowList()
    var allowGeneration = 0
    /// Refusals logged once per principal and command per minute.
    var refusalLog = RefusalLimiter()
    /// Failed handshakes per socket (three names) not yet in a log line.
    var handshakeFailuresUnlogged: [String: Int] = [:]

    /// The endpoints actually bound (a `*` port in the configuration resolved to the real one).
    public let boundClientEndpoint: String
    public let boundWorkerEndpoint: String
    /// The log bus, when the configuration names a log endpoint (``Dispatcher/serveLogs()``).
    let logBus: LogBus?

    /// Largest number of messages read from one socket in a turn, so neither side starves the other.
    static var readsPerTurn: Int { 2048 }

    /// Longest a worker-side backlog postpones worker departures and silence (seconds).
    static var maxRosterPostponement: Double { 1.0 }

    /// Seconds per turn spent answering client requests (at least one is answered).
    static var clientTimePerTurn: Double { 0.1 }

    /// Messages queued per peer and direction (ZMQ_SNDHWM/RCVHWM). Past it a client that
    /// does not read loses replies (ROUTER drops them; the dispatcher never blocks), a
    /// TASKS send to a worker fails and its tasks stay queued, and a peer that sends
    /// faster than the dispatcher reads is held back by TCP. Clients keep at most 8
    /// requests in flight per connection (the reference client and the HTTP API's gateway
    /// do): libzmq acknowledges reads in steps of half the mark, so a burst of replies
    /// finds room for as few as 9. Workers' traffic is bounded by
    /// credit and the byte window; libzmq counts messages, not bytes, so the mark is low.
    static var highWaterMark: Int32 { 100 }

    /// Replies queued per client: no more than a well-behaved client has requests in
    /// flight, so what a client that does not read makes the dispatcher hold is 16 replies,
    /// not 100 (each up to the maximum message size).
    static var clientSendHighWaterMark: Int32 { 16 }

    /// Caps checked while a message is received, before its frames are kept.
    var messageLimits: MessageLimits {
        MessageLimits(maxFrames: configuration.maxMessageFrames, maxBytes: configuration.maxMessageSize)
    }

    /// A dispatcher on `storage`, binding its sockets in `context`; it reads the time from `clock`.
    public init(
        configuration: DispatcherConfiguration, storage: DispatcherStorage, clock: Clock, context: ZMQContext, logger: Logger
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        startedAt = clock.now
        lastPollEnded = startedAt
        memoryTrim = MemoryTrim(now: startedAt)
        journal = storage.journal
        store = storage.resultStore
        payloadStore = storage.payloadStore
        auditTrail = storage.auditTrail
        retryPolicy = RetryPolicy(maxAttempts: configuration.maxAttempts,
                                  baseDelay: configuration.retryBaseDelay.seconds,
                                  maxDelay: configuration.retryMaxDelay.seconds)
        queues = TaskQueues(payloadBudget: configuration.payloadCacheBytes)
        queues.now = startedAt
        let persistedKinds = try journal.knownKinds()
        announcedKinds = AnnouncedKinds(persisted: persistedKinds)
        acceptedKinds = configuration.acceptedKinds.union(persistedKinds)
        kindCounts = try journal.counts().mapValues(KindCounts.init(states:))
        batches = try BatchTable(journal: journal)

        self.context = context
        access = configuration.curve?.access
        userIds = access?.userIds
        // Before any socket binds: while no handler answers, libzmq admits every CURVE
        // client (without a User-Id, which the checks then refuse; still, admit no one).
        zapHandler = try configuration.curve.map { curve throws(ZMQError) in
            try ZAPHandler(context: context) { request in curve.access.authorize(request) }
        }
        if let access {
            allowList = access.list
            allowGeneration = access.generation
        }
        clientSocket = try ZMQSocket(context: context, type: .router)
        workerSocket = try ZMQSocket(context: context, type: .router)
        for socket in [clientSocket, workerSocket] {
            try socket.setLinger(milliseconds: 1000)
            // libzmq drops a peer whose single frame exceeds this hard cap; messages under
            // it but over the configured limit get a `too_large` reply instead.
            try socket.setMaxMessageSize(Int64(configuration.maxMessageSize) * 2 + 65536)
            try socket.setSendHighWaterMark(Self.highWaterMark)
            try socket.setReceiveHighWaterMark(Self.highWaterMark)
        }
        try clientSocket.setSendHighWaterMark(Self.clientSendHighWaterMark)
        // A send to a worker whose queue is full fails (EAGAIN) instead of being dropped, so
        // the tasks in it stay queued; a client that does not read loses replies instead.
        try workerSocket.setRouterMandatory(true)
        let curve = configuration.curve != nil
        clientPeers = try PeerConnections(monitoring: clientSocket, context: context, name: "clients", handshakes: curve)
        workerPeers = try PeerConnections(monitoring: workerSocket, context: context, name: "workers", handshakes: curve)
        if let curve = configuration.curve {
            try clientSocket.makeCurveServer(curve.keyPair, domain: .client)
            try workerSocket.makeCurveServer(curve.keyPair, domain: .worker)
        }
        try clientSocket.bindOwnerOnly(configuration.clientEndpoint)
        try workerSocket.bindOwnerOnly(configuration.workerEndpoint)
        boundClientEndpoint = try clientSocket.lastEndpoint
        boundWorkerEndpoint = try workerSocket.lastEndpoint
        poller.add(clientSocket)
        poller.add(workerSocket)
        logBus = try configuration.logEndpoint.map { endpoint throws(ZMQError) in
            try LogBus(context: context, endpoint: endpoint, curve: configuration.curve?.keyPair, sink: configuration.logSink, logger: logger)
        }
        if let logBus {
            poller.add(logBus.socket)
            if let access {
                logBus.allowList = allowList
                logBus.userIds = access.userIds
            }
        }

        try recoverQueuedJobs()
        // A crash between a batch's last job and its summary leaves it ready to complete.
        completeBatchesIfDone(batches.all.map(\.record.id))
    }

    /// Every job the journal holds as queued runs again: leases did not survive the restart.
    private func recoverQueuedJobs() throws {
        let now = clock.now
        let date = clock.date
        var recovered = 0
        for job in try journal.queuedJobs() {
            let task = QueuedTask(job)
            if let notBefore = job.notBefore, notBefore > date {
                delayed.insert(task, due: now + notBefore.timeIntervalSince(date))
            } else {
                queues.push(task)
            }
            recovered += 1
        }
        if recovered > 0 {
            logger.info("recovered queued jobs from the journal", metadata: ["jobs": "\(recovered)"])
        }
    }

    /// Runs turns until `shouldStop` returns true, then drains: no new jobs, no new
    /// dispatch, and in-flight tasks get up to the drain timeout to finish.
    @available(*, noasync)
    public func run(shouldStop: () -> Bool) {
        logger.info("dispatcher ready", metadata: [
            // Not `worker`: in a log record that names the worker a record is about.
            "clientEndpoint": "\(boundClientEndpoint)", "workerEndpoint": "\(boundWorkerEndpoint)",
            "queued": "\(queues.total + delayed.countByKind.values.reduce(0, +))",
        ])
        var drainDeadline = Double.infinity
        while true {
            if !draining, shouldStop() {
                draining = true
                drainDeadline = clock.now + configuration.drainTimeout.seconds
                logger.info("draining", metadata: ["inFlight": "\(leases.count)"])
            }
            if draining, leases.isEmpty || clock.now >= drainDeadline { break }
            if storageBroken { break }
            // Checked every turn: past this point libzmq would admit every CURVE client (the
            // token check still refuses their messages, but nothing may pass unchecked).
            if let zapHandler, !zapHandler.isServing {
                logger.critical("the ZAP handler stopped while the endpoints are open; stopping (start the dispatcher again)")
                break
            }
            do {
                try runTurn(pollTimeoutMilliseconds: pollTimeout())
            } catch {
                logger.critical("poll failed; stopping", metadata: ["error": "\(error)"])
                break
            }
        }
        flushAudit(syncing: true)
        logger.info("dispatcher stopped", metadata: ["unfinished": "\(leases.count)"])
    }

    /// One turn: waits up to `timeout` milliseconds for a socket to have something, reads
    /// both, commits what they brought, then answers and dispatches.
    @available(*, noasync)
    func runTurn(pollTimeoutMilliseconds timeout: Int) throws(ZMQError) {
        let ready = try poller.poll(timeoutMilliseconds: timeout)
        let pollEnded = clock.now
        // Time the loop spent away from its sockets (a long turn, or the process stopped):
        // workers' heartbeats from then may not even have reached libzmq yet, so that
        // silence is the dispatcher's, not theirs.
        if pollEnded - lastPollEnded - Double(timeout) / 1000 > configuration.heartbeatInterval.seconds {
            workers.excuseSilence(at: pollEnded)
        }
        lastPollEnded = pollEnded
        queues.now = pollEnded
        var turn = Turn(now: clock.date)
        if let access, access.generation != allowGeneration { allowListReloaded(access, turn: &turn) }
        clientPeers.readEvents()
        workerPeers.readEvents()
        if ready[0].contains(.readable) { readClients(into: &turn) }
        // Every turn, even with requests still queued (a flood would otherwise postpone
        // them for good and dead clients' waits would fill the caps): a request that still
        // comes from a closed connection makes its client a departure again.
        for peer in clientPeers.takeDepartures() {
            clientLeft(peer)
            batchFollowersLeft(peer)
        }
        // Read even when the poll saw nothing: a long request since the poll may have
        // left heartbeats waiting, and silence is judged only with the socket read empty.
        let workerBacklog = readWorkers(into: &turn)
        if workerRoster.isDue(backlog: workerBacklog, now: clock.now) {
            for peer in workerPeers.takeDepartures() { workerDisconnected(peer, turn: &turn) }
            expireSilentWorkers(into: &turn)
        }
        expireOverdueLeases(into: &turn)
        // Heartbeats go out before the commit too, so a long commit does not look like silence.
        sendHeartbeats()
        finish(turn)
        let storagePaused = storageBackoff.isPaused(at: clock.now)
        if !pendingBatchCompletions.isEmpty, !storagePaused {
            let pending = pendingBatchCompletions
            pendingBatchCompletions.removeAll()
            completeBatchesIfDone(pending)
        }
        if payloadCollectionDue || payloadStore.rollovers != payloadRolloversSeen { collectPayloadSegments() }
        releaseDueRetries()
        answerDueBatchFollowers()
        if !draining, !storagePaused { dispatchQueuedTasks() }
        sendHeartbeats()
        logBus?.serve(now: clock.now)
        if access != nil { logHandshakeFailures() }
        flushAudit()
        memoryTrim.trimIfDue(now: clock.now)
    }

    private func pollTimeout() -> Int {
        let now = clock.now
        var wake = nextHeartbeat
        if let due = delayed.nextDue { wake = min(wake, due) }
        if let due = batchFollowers.nextDeadline { wake = min(wake, due) }
        // Wake at least every 100 ms to notice a shutdown request promptly.
        return max(0, min(100, Int(((wake - now) * 1000).rounded(.up))))
    }

    func send(_ frames: [[UInt8]], to socket: ZMQSocket) -> Bool {
        do {
            return try socket.send(frames, dontWait: true)
        } catch {
            logger.debug("send failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Why a message that broke ``messageLimits`` is refused.
    func refusal(_ oversize: ReceivedMessage.Oversize) -> WireError {
        if oversize.frames > configuration.maxMessageFrames {
            return WireError(.tooLarge, "message has more than \(configuration.maxMessageFrames) frames")
        }
        return WireError(.tooLarge, "message exceeds \(configuration.maxMessageSize) bytes")
    }
}
