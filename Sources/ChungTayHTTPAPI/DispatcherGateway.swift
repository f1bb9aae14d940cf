public import ChungTayWire
import Dispatch
import Foundation
public import Logging
import Synchronization
public import ZeroMQ

/// The HTTP API's connections to the dispatcher's client endpoint (CTCP01): every route's
/// requests, from any task, go out on a small pool of DEALERs and their replies come back
/// by request id.
///
/// libzmq sockets belong to one thread, so the pool lives on a thread of its own (as the
/// operators' page's client lives on its queue), with one poller for all of it: callers hand
/// a request over under a lock and wake the thread through an `inproc://` pair, and the
/// thread resumes each caller when its reply comes, or with `unavailable` when none came
/// within `timeout` of the hand-over.
///
/// **At most 8 requests in flight per connection** (``GatewayConnection/window``, which says
/// why 8): the dispatcher's client ROUTER queues at most 16 replies per client connection
/// and drops the rest (`Dispatcher.clientSendHighWaterMark`), and it answers a whole turn's
/// SUBMITs at once, so one connection with many in flight loses replies under concurrent
/// load, and their callers would get 503 although their jobs were made. What does not fit
/// waits in the gateway's own queue (``GatewayQueue``), first come first sent, bounded with
/// everything in flight by ``maxPending`` (beyond: `unavailable` at once). **A pool of
/// ``connectionCount`` connections** keeps up to 64 requests at the dispatcher at once, so
/// concurrent callers' SUBMITs still share its turns' commits (one fsync for many).
/// Long-polls never hold a slot for long: `?wait` polls JOB (``JobWait``), which is
/// answered at once.
///
/// **Deadlines are cheap to keep**: every request gets the same timeout from its hand-over,
/// and requests are queued and sent in hand-over order, so the queue and each connection's
/// in-flight list are in deadline order; the thread looks at their first entries only.
/// A connection whose oldest request passed its deadline is replaced (its other requests
/// answered `unavailable` too): the dispatcher is that far behind or lost the request, and
/// a reply arriving late on the old connection would count against the window of the
/// requests sent after it. Closing it makes the dispatcher drop whatever it still owes it.
///
/// The connections are `ZMQ_IMMEDIATE`: a request no connection can take is refused at once
/// (`unavailable`) instead of being queued in libzmq and delivered after its caller got 503.
///
/// **A request over the dispatcher's largest message is refused here** (413 `too_large`),
/// never sent: the dispatcher caps a frame at libzmq's `ZMQ_MAXMSGSIZE` and drops the whole
/// connection of a peer that sends more, which would fail every other caller's requests on it.
///
/// The thread runs until ``stop()`` (the listener's service stops it when it ends).
///
/// With CURVE it connects with the dispatcher's own key (admitted as `operators/dispatcher`)
/// and sends each request on behalf of the HTTP caller's principal (CTCP01 delegation), so
/// the dispatcher checks it as that principal's own.
public final class DispatcherGateway: Sendable {
    /// Most requests handed over and not yet answered (queued or in flight); more are
    /// `unavailable` at once, so a dispatcher that stopped answering cannot make the API
    /// hold unbounded continuations.
    public static let maxPending = 4096
    /// DEALER connections in the pool: 8 × 8 requests in flight.
    static let connectionCount = 8

    /// Bytes of a message besides the frames the gateway sends: the routing id the
    /// dispatcher's ROUTER puts in front, which its message limit counts too.
    static let routingIdAllowance = 64

    public let endpoint: String
    public let timeout: Duration
    /// The dispatcher's largest message (`--max-message-bytes`).
    public let maxMessageBytes: Int
    private let curve: CurveClientKeys?
    private let shared: Mutex<Shared>
    private let finished = DispatchSemaphore(value: 0)

    /// What callers and the thread share.
    private struct Shared: ~Copyable {
        /// Handed over since the thread last looked, in order.
        var handedOver: [GatewayRequest] = []
        var nextRequestId: UInt64 = 1
        /// Requests handed over and not yet answered.
        var pending = 0
        var stopped = false
        /// True while a wake-up is on its way, so a burst of requests sends one.
        var wakePending = false
        /// The sending end of the wake-up pair; used under the lock only.
        let waker: ZMQSocket
    }

    /// Connects (libzmq connects in the background; the dispatcher need not be up yet).
    public init(
        endpoint: String, curve: CurveClientKeys?, maxMessageBytes: Int, timeout: Duration = .seconds(10), logger: Logger
    ) throws(ZMQError) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.maxMessageBytes = maxMessageBytes
        self.curve = curve
        let context = try ZMQContext()
        let wakeEndpoint = "inproc://chungtay-http-gateway-wake"
        let wake = try ZMQSocket(context: context, type: .pair)
        try wake.bind(wakeEndpoint)
        let waker = try ZMQSocket(context: context, type: .pair)
        try waker.setLinger(milliseconds: 0)
        try waker.connect(wakeEndpoint)
        var connections: [GatewayConnection] = []
        for _ in 0..<Self.connectionCount {
            connections.append(try GatewayConnection(context: context, endpoint: endpoint, curve: curve))
        }
        shared = Mutex(Shared(waker: waker))
        let pool = Pool(context: context, wake: wake, connections: connections)
        let finished = self.finished
        let thread = Thread { [self] in
            self.serve(pool, logger: logger)
            finished.signal()
        }
        thread.name = "chungtay.http.gateway"
        thread.start()
    }

    /// One request, its reply. An ERROR reply throws as its wire code's problem; no reply
    /// within `timeout`, or no connection to the dispatcher, throws `unavailable`; a request
    /// over ``maxMessageBytes`` throws `too_large` without being sent.
    ///
    /// - Parameter principal: the HTTP caller's `clients/NAME` or `operators/NAME`; nil without
    ///   an allow directory (then the dispatcher checks nothing, as without CURVE).
    public func call(_ request: ClientRequest, as principal: String?) async throws(HTTPProblem) -> ClientReply {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<ClientReply, HTTPProblem>, Never>) in
            let refusal: HTTPProblem? = shared.withLock { shared in
                guard !shared.stopped else { return .unavailable("the HTTP API is stopping") }
                guard shared.pending < Self.maxPending else {
                    return .unavailable("\(Self.maxPending) requests to the dispatcher are already waiting for answers")
                }
                let requestId = shared.nextRequestId
                shared.nextRequestId += 1
                let frames = ClientMessage(requestId: requestId, body: request, principal: principal).encode()
                let bytes = frames.reduce(Self.routingIdAllowance) { $0 + $1.count }
                guard bytes <= maxMessageBytes else {
                    return .tooLarge("the request is \(bytes) bytes as a message to the dispatcher, over its \(maxMessageBytes) (--max-message-bytes)")
                }
                shared.pending += 1
                // Read under the lock, so deadlines are in hand-over order.
                let deadline = ContinuousClock.now + timeout
                shared.handedOver.append(GatewayRequest(requestId: requestId, frames: frames, deadline: deadline, continuation: continuation))
                if !shared.wakePending {
                    shared.wakePending = true
                    _ = try? shared.waker.trySend([[]])
                }
                return nil
            }
            if let refusal { continuation.resume(returning: .failure(refusal)) }
        }
        let reply = try outcome.get()
        if case .error(let code, let message) = reply { throw HTTPProblem(wireCode: code, detail: message) }
        return reply
    }

    /// Whether the dispatcher answers a STATUS within `limit` (asked every 20 ms, as the
    /// connection is refused at once until libzmq has it): the listener binds after this, so
    /// its first request does not meet a connection still being made.
    public func answers(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while true {
            do throws(HTTPProblem) {
                _ = try await call(.status, as: nil)
                return true
            } catch {
                guard ContinuousClock.now < deadline, (try? await Task.sleep(for: .milliseconds(20))) != nil else { return false }
            }
        }
    }

    /// Ends the thread, answering every waiting caller `unavailable`; idempotent.
    public func stop() {
        let wasStopped = shared.withLock { shared in
            defer { shared.stopped = true }
            if !shared.stopped { _ = try? shared.waker.trySend([[]]) }
            return shared.stopped
        }
        if !wasStopped { finished.wait() }
    }

    /// The thread's sockets; they never leave it.
    private struct Pool: @unchecked Sendable {
        let context: ZMQContext
        let wake: ZMQSocket
        let connections: [GatewayConnection]
    }

    /// The thread: takes what callers handed over, sends it as the windows allow, matches
    /// replies, expires what waited too long.
    private func serve(_ pool: Pool, logger: Logger) {
        var connections = pool.connections
        var queue = GatewayQueue()
        func finish(_ request: GatewayRequest, _ outcome: Result<ClientReply, HTTPProblem>) {
            shared.withLock { $0.pending -= 1 }
            request.continuation.resume(returning: outcome)
        }
        /// The wake-up pair at 0, connection i at i + 1.
        func makePoller() -> ZMQPoller {
            var poller = ZMQPoller()
            _ = poller.add(pool.wake)
            for connection in connections { _ = poller.add(connection.socket) }
            return poller
        }
        // A request that timed out in the queue was never sent; one that timed out on a
        // connection may have been carried out (a SUBMIT's jobs accepted and fsynced) with its
        // reply still to come, so its caller must resend it under the same Idempotency-Key
        // rather than a new one, which would make the jobs twice.
        let unsent = HTTPProblem.unavailable(
            "the dispatcher at \(endpoint) is busy: the request waited \(timeout.seconds) s without being sent to it; send it again")
        let unanswered = HTTPProblem.unavailable("""
            the dispatcher at \(endpoint) did not answer within \(timeout.seconds) s; the request may have been carried out \
            (submitted jobs accepted): send it again with the same Idempotency-Key, which names the same jobs
            """)
        let unreachable = HTTPProblem.unavailable("no connection to the dispatcher at \(endpoint)")
        var poller = makePoller()
        do {
            while true {
                let nearest = ([queue.first?.deadline] + connections.map(\.oldestDeadline)).compactMap { $0 }.min()
                let wait = nearest.map { max(1, Int((($0 - ContinuousClock.now).seconds * 1000).rounded(.up))) } ?? -1
                let ready = try poller.poll(timeoutMilliseconds: wait)
                if ready[0].contains(.readable) {
                    while try pool.wake.receive(dontWait: true) != nil {}
                    let (handedOver, stopped) = shared.withLock { shared in
                        shared.wakePending = false
                        defer { shared.handedOver.removeAll() }
                        return (shared.handedOver, shared.stopped)
                    }
                    queue.append(contentsOf: handedOver)
                    if stopped { break }
                }
                for (index, connection) in connections.enumerated() where ready[index + 1].contains(.readable) {
                    while let frames = try connection.socket.receive(dontWait: true) {
                        do throws(WireError) {
                            let reply = try ClientMessage<ClientReply>.decode(frames)
                            if let request = connection.take(reply.requestId) { finish(request, .success(reply.body)) }
                        } catch {
                            logger.warning("the dispatcher sent a reply the HTTP API cannot read", metadata: ["error": "\(error)"])
                        }
                    }
                }
                let now = ContinuousClock.now
                for request in queue.removeExpired(at: now) { finish(request, .failure(unsent)) }
                var replaced = false
                for index in connections.indices where connections[index].oldestDeadline.map({ $0 <= now }) == true {
                    for request in connections[index].close() { finish(request, .failure(unanswered)) }
                    connections[index] = try GatewayConnection(context: pool.context, endpoint: endpoint, curve: curve)
                    replaced = true
                }
                if replaced {
                    poller = makePoller()
                    logger.warning("the dispatcher did not answer the HTTP API within \(timeout.seconds) s; that connection to it was replaced")
                }
                try send(&queue, on: connections, finish: finish, unreachable: unreachable)
            }
        } catch {
            logger.error("the HTTP API's connection to the dispatcher failed", metadata: ["error": "\(error)"])
        }
        let stopping = HTTPProblem.unavailable("the HTTP API is stopping")
        for connection in connections {
            for request in connection.close() { finish(request, .failure(stopping)) }
        }
        for request in queue.removeAll() { finish(request, .failure(stopping)) }
        let left = shared.withLock { shared in
            shared.stopped = true
            defer { shared.handedOver.removeAll() }
            return shared.handedOver
        }
        for request in left { finish(request, .failure(stopping)) }
        pool.wake.close()
    }

    /// Sends queued requests, first come first sent, each on the connection with room and
    /// the fewest in flight that takes it, until every window is full. A request that no
    /// connection takes (none is made) waits for a reply to free a slot while some
    /// connection has requests in flight, and is `unreachable` at once when none has.
    private func send(
        _ queue: inout GatewayQueue, on connections: [GatewayConnection],
        finish: (GatewayRequest, Result<ClientReply, HTTPProblem>) -> Void, unreachable: HTTPProblem
    ) throws(ZMQError) {
        while let request = queue.first {
            var sent = false
            for connection in connections.filter(\.hasRoom).sorted(by: { $0.inFlight.count < $1.inFlight.count }) {
                if try connection.send(request) {
                    sent = true
                    break
                }
            }
            if !sent, connections.contains(where: { !$0.inFlight.isEmpty }) { return }
            queue.removeFirst()
            if !sent { finish(request, .failure(unreachable)) }
        }
    }
}
