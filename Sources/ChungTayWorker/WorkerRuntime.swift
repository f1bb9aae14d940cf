import ChungTayRuntime
import ChungTayWire
import Collections
import Foundation
public import Logging
import ZeroMQ

/// A worker process's I/O loop: one thread owns the DEALER connection to the dispatcher
/// and feeds executor threads through an ``ExecutorHandoff``.
///
/// Tasks wait in a local queue and go down to the executors at most two batches' worth per
/// executor at a time, so a slow task holds few others behind it and a reconnect or a drain
/// drops the rest here. Results from all executors are gathered into RESULT messages of
/// about 1 MiB once per loop turn. A dispatcher silent for `heartbeatLiveness` intervals
/// is presumed gone: the worker drops its queued tasks (the dispatcher requeues them) and
/// reconnects with backoff.
public final class WorkerRuntime {
    let configuration: WorkerConfiguration
    let handlers: [String: any TaskHandler]
    let logger: Logger
    private let context: ZMQContext
    private let handoff = ExecutorHandoff()
    /// Where executors' wake-up messages arrive when they have finished tasks (``ExecutorHandoff``).
    private let finishedWake: ZMQSocket
    private var dealer: ZMQSocket?
    /// The dealer's handshake failures: a refused key is said in the log, not only as silence.
    private var handshake: HandshakeWatch?
    private var connections = 0
    /// When a refused handshake may next be logged: libzmq retries the handshake every
    /// reconnect interval, and one warning per minute says it as well as hundreds would.
    private var nextRefusalLog = 0.0
    private var executors: [Thread] = []
    private var waiting = Deque<TaskAssignment>()
    private var running = 0
    private var lastHeard = 0.0
    private var nextHeartbeat = 0.0
    private var reconnectDelay: Double
    /// Until when the worker stays quiet after the dispatcher refused its key (ERROR
    /// `forbidden`, ``KeyRefusalBackoff``); 0 while it is not refused.
    private var refusedUntil = 0.0
    private var keyRefusals = KeyRefusalBackoff()
    private var completed = 0
    private var failed = 0
    /// What the heartbeats report.
    private var stats = WorkerStats(host: LogIdentity.hostName)
    /// The executors' task figures, read into ``stats`` at each heartbeat.
    private let executorFigures = ExecutorFigures()

    public init(configuration: WorkerConfiguration, handlers: [any TaskHandler], logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        var table: [String: any TaskHandler] = [:]
        for handler in handlers { table[handler.kind.rawValue] = handler }
        self.handlers = table
        reconnectDelay = configuration.reconnectMinDelay.seconds
        context = try ZMQContext()
        finishedWake = try ZMQSocket(context: context, type: .pull)
        try finishedWake.setLinger(milliseconds: 0)
        try finishedWake.setReceiveHighWaterMark(0)
        try finishedWake.bind(ExecutorHandoff.wakeEndpoint)
    }

    /// Serves until `shouldStop` returns true, then drains: finishes the tasks executors
    /// hold, sends their results, says DISCONNECT (the dispatcher requeues the rest) and returns.
    @available(*, noasync)
    public func run(shouldStop: () -> Bool) throws {
        for index in 0..<configuration.concurrency {
            executors.append(TaskExecutor.start(context: context, handoff: handoff, handlers: handlers, workerName: configuration.name,
                                                index: index, executors: configuration.concurrency, figures: executorFigures,
                                                logger: logger))
        }
        try connect()
        var drainDeadline = Double.infinity
        // The periodic throughput line: tasks finished since the last one, per second.
        let summaryInterval = 10.0
        var nextSummary = MonotonicClock.now() + summaryInterval
        var finishedAtLastSummary = 0
        while true {
            let now = MonotonicClock.now()
            if drainDeadline == .infinity, shouldStop() {
                drainDeadline = now + configuration.drainTimeout.seconds
                waiting.removeAll()
                logger.info("draining", metadata: ["running": "\(running)"])
            }
            let draining = drainDeadline != .infinity
            if draining, running == 0 || now >= drainDeadline { break }
            guard let dealer else { break }
            var poller = ZMQPoller()
            poller.add(dealer)
            poller.add(finishedWake)
            if let handshake { poller.add(handshake.socket) }
            let ready = try poller.poll(timeoutMilliseconds: 100)
            if ready[0].contains(.readable) { try readDispatcher(dealer, accepting: !draining) }
            // Every turn, not only on a wake-up: one lock when nothing is finished, and a wake-up
            // that failed to arrive could then delay results by one poll timeout, never strand them.
            try forwardResults(to: dealer)
            if ready.count > 2, ready[2].contains(.readable) { logHandshakeFailure() }
            feedExecutors()
            if refusedUntil > 0 {
                // Quiet while refused: heartbeats and logs would only be refused again.
                if now >= refusedUntil { try registerAfterRefusal(dealer) }
            } else {
                try keepAlive(dealer, draining: draining)
                if let dealer = self.dealer { shipLogs(to: dealer) }
            }
            if now >= nextSummary {
                nextSummary = now + summaryInterval
                let finished = completed &+ failed
                let rate = Double(finished &- finishedAtLastSummary) / summaryInterval
                finishedAtLastSummary = finished
                logger.info("throughput", metadata: [
                    "tasksPerSecond": "\(rate.rounded())", "completed": "\(completed)", "failed": "\(failed)",
                    "running": "\(running)", "waiting": "\(waiting.count)",
                ])
            }
        }
        if let dealer {
            try? forwardResults(to: dealer)
            shipLogs(to: dealer)
            _ = try? dealer.send(WorkerMessage.disconnect(reason: WorkerMessage.drainingReason).encode(), dontWait: true)
            dealer.close()
        }
        finishedWake.close()
        // Ends the executors once their current task is done; one sending a wake-up meanwhile gets ETERM.
        handoff.close()
        context.shutdown()
        // The process may exit as soon as this returns. Once the executors have closed their
        // sockets, releasing this runtime terminates the context on this thread, which waits
        // (up to the linger) until the last RESULT and the DISCONNECT are sent; otherwise an
        // executor could drop the last reference later and the exit would lose them.
        let executorsDeadline = MonotonicClock.now() + 5
        while executors.contains(where: { !$0.isFinished }), MonotonicClock.now() < executorsDeadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        logger.info("worker stopped", metadata: ["completed": "\(completed)", "failed": "\(failed)", "unfinished": "\(running)"])
    }

    private func connect() throws {
        abandonDealer()
        let socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setLinger(milliseconds: 2000)
        try socket.setSendHighWaterMark(0)
        try socket.setReceiveHighWaterMark(0)
        try socket.setCurveClient(configuration.curve)
        connections += 1
        handshake = try HandshakeWatch(monitoring: socket, context: context, name: "worker-\(connections)")
        try socket.connect(configuration.endpoint)
        dealer = socket
        try sendReady(socket)
        lastHeard = MonotonicClock.now()
        nextHeartbeat = lastHeard + configuration.heartbeatInterval.seconds
    }

    /// Closes the connection the worker has given up on, dropping what it still queues. Left
    /// to linger, its READY would reach a restarted dispatcher, which would register a ghost
    /// worker, lease it tasks nobody runs, and count them as failed attempts when it goes silent.
    private func abandonDealer() {
        handshake?.socket.close()
        handshake = nil
        guard let abandoned = dealer else { return }
        try? abandoned.setLinger(milliseconds: 0)
        abandoned.close()
        dealer = nil
    }

    private func sendReady(_ socket: ZMQSocket) throws {
        try socket.send(WorkerMessage.ready(name: configuration.name, kinds: configuration.kinds,
                                            credit: UInt32(clamping: configuration.credit)).encode())
        logger.info("ready", metadata: ["dispatcher": "\(configuration.endpoint)", "kinds": "\(configuration.kinds.joined(separator: ","))",
                                         "concurrency": "\(configuration.concurrency)", "credit": "\(configuration.credit)"])
    }

    private func readDispatcher(_ socket: ZMQSocket, accepting: Bool) throws {
        while let frames = try socket.receive(dontWait: true) {
            lastHeard = MonotonicClock.now()
            reconnectDelay = configuration.reconnectMinDelay.seconds
            guard frames.first == WorkerProtocol.header else {
                logger.warning("ignored a message without the CTWP01 header")
                continue
            }
            let message: WorkerMessage
            do {
                message = try WorkerMessage.decode(frames.dropFirst())
            } catch {
                logger.warning("ignored a malformed message from the dispatcher", metadata: ["error": "\(error)"])
                continue
            }
            switch message {
            case .tasks(let assignments):
                keyRefusals.admitted()
                // While draining, new tasks are left alone: DISCONNECT hands them back.
                guard accepting else { continue }
                for assignment in assignments {
                    logger.debug("task received", metadata: ["task": "\(assignment.taskId)", "kind": "\(assignment.kind)", "attempt": "\(assignment.attempt)"])
                    waiting.append(assignment)
                }
            case .heartbeat:
                keyRefusals.admitted()
            case .disconnect(let reason):
                // An answer to what was sent before the refusal; READY waits for the backoff.
                guard refusedUntil == 0 else { continue }
                logger.notice("dispatcher asked to register again", metadata: ["reason": "\(reason)"])
                waiting.removeAll()
                try sendReady(socket)
            case .error(let code, let text) where code == WireError.Code.forbidden.rawValue:
                refused(reason: text)
            case .error(let code, let text):
                logger.error("dispatcher refused a message", metadata: ["code": "\(code)", "reason": "\(text)"])
            case .ready, .results, .failures, .log:
                logger.warning("ignored a worker-side command from the dispatcher")
            }
        }
    }

    /// The dispatcher refused this worker's key (not listed in `workers/`, or its `kinds:` line
    /// leaves out a kind of `--kinds`): nothing but an operator's fix helps, and sending READY
    /// again at once would loop thousands of times a second. So the worker says once per
    /// backoff what to fix, sends nothing, and tries again after the backoff, so a mended key
    /// file and a reload are enough; exiting instead would loop too under a process manager.
    private func refused(reason: String) {
        guard refusedUntil == 0 else { return }
        waiting.removeAll()
        let delay = keyRefusals.next()
        refusedUntil = MonotonicClock.now() + delay.seconds
        logger.warning("the dispatcher forbids this worker to register; waiting before trying again", metadata: [
            "reason": "\(reason)", "kinds": "\(configuration.kinds.joined(separator: ","))", "retryIn": "\(Int(delay.seconds))s",
            "fix": "list the key in workers/ of the dispatcher's allow directory with a kinds: line naming every kind of --kinds (or none), then SIGHUP the dispatcher; or narrow --kinds",
        ])
    }

    private func registerAfterRefusal(_ socket: ZMQSocket) throws {
        refusedUntil = 0
        lastHeard = MonotonicClock.now()
        nextHeartbeat = lastHeard + configuration.heartbeatInterval.seconds
        try sendReady(socket)
    }

    /// Hands the executors tasks up to two batches' worth each, counting them in `running`
    /// until they come back finished.
    private func feedExecutors() {
        let room = configuration.concurrency * 2 * TaskExecutor.batchSize - running
        guard room > 0, !waiting.isEmpty else { return }
        let count = min(room, waiting.count)
        handoff.hand(waiting.prefix(count))
        waiting.removeFirst(count)
        running += count
    }

    /// Sends everything the executors finished: RESULT messages of about 1 MiB and one FAIL message.
    private func forwardResults(to socket: ZMQSocket) throws {
        // The wake-ups first, then the tasks: one sent for a task finished after the take stays to wake the next poll.
        while try finishedWake.receive(dontWait: true) != nil {}
        let (results, finishedFailures) = handoff.takeFinished()
        var failures = finishedFailures
        // The executors log each failure with the handler's message (debug: a line per task).
        running -= results.count + failures.count
        var batch: [TaskResult] = []
        var batchBytes = 0
        var stored = 0
        for result in results {
            let bytes = result.lines.bytes.count
            // The dispatcher refuses a message over its size limit whole, which would leave
            // every task in it leased: an oversized result fails alone, and the rest go in
            // messages of bounded size.
            guard bytes <= Self.maxResultBytes else {
                failures.append(TaskFailure(taskId: result.taskId, retryable: false, code: WireError.Code.tooLarge.rawValue,
                                            message: "result of \(bytes) bytes exceeds \(Self.maxResultBytes)"))
                continue
            }
            if batchBytes + bytes > Self.resultMessageBytes, !batch.isEmpty {
                try socket.send(WorkerMessage.results(batch).encode())
                batch.removeAll(keepingCapacity: true)
                batchBytes = 0
            }
            batch.append(result)
            batchBytes += bytes
            stored += 1
        }
        if !batch.isEmpty { try socket.send(WorkerMessage.results(batch).encode()) }
        if !failures.isEmpty { try socket.send(WorkerMessage.failures(failures).encode()) }
        completed += stored
        failed += failures.count
    }

    /// Largest result a task may store: half the dispatcher's default message limit (16 MiB).
    static let maxResultBytes = 8 << 20
    /// Target size of one RESULT message.
    static let resultMessageBytes = 1 << 20

    /// The dispatcher refused the handshake (the worker keeps retrying: the key may be
    /// admitted by a reload of its allow list).
    private func logHandshakeFailure() {
        // Without keys a closed handshake is only a dispatcher going away, which the silence check handles.
        guard let failure = handshake?.failure(), failure.isDefinite || configuration.curve != nil else { return }
        let now = MonotonicClock.now()
        guard now >= nextRefusalLog else { return }
        nextRefusalLog = now + 60
        logger.warning("the dispatcher refused this worker's key; retrying", metadata: [
            "endpoint": "\(configuration.endpoint)", "reason": "\(failure)",
        ])
    }

    private func keepAlive(_ socket: ZMQSocket, draining: Bool) throws {
        let now = MonotonicClock.now()
        if now >= nextHeartbeat {
            nextHeartbeat = now + configuration.heartbeatInterval.seconds
            stats.draining = draining
            stats.inFlight = UInt32(clamping: running + waiting.count)
            stats.logRecordsDropped = UInt64(clamping: logRecordsDropped)
            stats.kinds = executorFigures.snapshot
            _ = try socket.send(WorkerMessage.heartbeat(stats).encode(), dontWait: true)
        }
        let silence = configuration.heartbeatInterval.seconds * Double(configuration.heartbeatLiveness)
        guard !draining, now - lastHeard > silence else { return }
        logger.warning("dispatcher silent; reconnecting", metadata: ["after": "\(reconnectDelay)s"])
        waiting.removeAll()
        // Closed before the backoff, not after: meanwhile it would keep reconnecting and could
        // hand its READY to a restarted dispatcher just before being thrown away.
        abandonDealer()
        Thread.sleep(forTimeInterval: reconnectDelay * Double.random(in: 0.75...1.25))
        reconnectDelay = min(reconnectDelay * 2, configuration.reconnectMaxDelay.seconds)
        try connect()
    }
}
