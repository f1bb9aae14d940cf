public import ChungTayWire
import Foundation
public import ZeroMQ

/// A synchronous client of the dispatcher's client endpoint (CTCP01), for the CLI and tests.
///
/// One DEALER socket, several requests in flight, replies matched by request id. Every
/// wait is bounded by `timeout`, so a dead dispatcher is reported as `unreachable`
/// instead of hanging. Not thread-safe: use it from one thread at a time, never from async
/// code (its calls block). It may move to another thread across a memory barrier (a
/// semaphore waited on, a thread joined), as ZeroMQ lets its sockets move.
public final class DispatcherClient {
    public let endpoint: String
    public let timeout: Duration
    /// Whether the connection uses CURVE (keys were given).
    public var usesCurve: Bool { handshake.usesCurve }
    private let context: ZMQContext
    private let socket: ZMQSocket
    private var handshake: HandshakeReport
    private var nextRequestId: UInt64 = 1

    /// With `curve`, the connection is encrypted and the dispatcher knows this client by its key.
    public init(endpoint: String, timeout: Duration = .seconds(10), curve: CurveClientKeys? = nil) throws(ClientError) {
        self.endpoint = endpoint
        self.timeout = timeout
        do {
            context = try ZMQContext()
            socket = try ZMQSocket(context: context, type: .dealer)
            try socket.setLinger(milliseconds: 0)
            try socket.setSendHighWaterMark(0)
            try socket.setReceiveHighWaterMark(0)
            try socket.setSendTimeout(milliseconds: Int32(max(1, min(timeout.seconds * 1000, Double(Int32.max)))))
            try socket.setCurveClient(curve)
            handshake = try HandshakeReport(monitoring: socket, context: context, name: "dispatcher-client", endpoint: endpoint, curve: curve)
            try socket.connect(endpoint)
        } catch {
            throw .socket("\(error)")
        }
    }

    /// Sends a request and returns its request id without waiting.
    @available(*, noasync)
    public func send(_ request: ClientRequest) throws(ClientError) -> UInt64 {
        let requestId = nextRequestId
        nextRequestId += 1
        let sent: Bool
        do {
            sent = try socket.send(ClientMessage(requestId: requestId, body: request).encode())
        } catch {
            throw .socket("\(error)")
        }
        // A DEALER with no connection to queue on (its handshake was refused and the pipe
        // closed) blocks a send; the send timeout bounds that like every other wait.
        guard sent else {
            try handshake.read()
            throw handshake.silence(seconds: timeout.seconds)
        }
        return requestId
    }

    /// Waits for the next reply to any request, up to `timeout` (nil when none came).
    @available(*, noasync)
    public func receive(timeout: Duration? = nil) throws(ClientError) -> ClientMessage<ClientReply>? {
        let limit = timeout ?? self.timeout
        var poller = ZMQPoller()
        poller.add(socket)
        poller.add(handshake.watch.socket)
        do {
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline {
                let remaining = deadline - ContinuousClock.now
                let milliseconds = max(1, Int(remaining.seconds * 1000))
                let ready = try poller.poll(timeoutMilliseconds: milliseconds)
                if ready[1].contains(.readable) { try handshake.read() }
                guard ready[0].contains(.readable),
                      let frames = try socket.receive(dontWait: true) else { continue }
                do {
                    return try ClientMessage<ClientReply>.decode(frames)
                } catch {
                    throw ClientError.badReply("\(error)")
                }
            }
            return nil
        } catch let error as ClientError {
            throw error
        } catch {
            throw .socket("\(error)")
        }
    }

    /// One request, one reply; an error reply becomes `ClientError.refused`.
    @available(*, noasync)
    public func call(_ request: ClientRequest, timeout: Duration? = nil) throws(ClientError) -> ClientReply {
        let requestId = try send(request)
        while true {
            guard let reply = try receive(timeout: timeout) else {
                throw silence(seconds: (timeout ?? self.timeout).seconds)
            }
            guard reply.requestId == requestId else { continue }
            if case .error(let code, let message) = reply.body { throw .refused(code: code, message: message) }
            return reply.body
        }
    }

    /// What no answer in `seconds` means: a rejected key when a handshake was closed meanwhile.
    public func silence(seconds: Double) -> ClientError {
        handshake.silence(seconds: seconds)
    }

    /// Requests a client keeps in flight on one connection, at most (docs/PROTOCOL.md).
    public static let maxRequestsInFlight = 8

    /// Submits jobs in batches with at most `window` batches unacknowledged, so a list of
    /// millions streams through bounded memory on both sides. Receipts come back in input order.
    /// The window is capped at ``maxRequestsInFlight``: more could lose ACCEPTEDs at the
    /// dispatcher's reply mark (docs/PROTOCOL.md, "A client that does not read its replies").
    @available(*, noasync)
    public func submit<Jobs: Sequence<JobSpec>>(
        _ jobs: Jobs, batchSize: Int = 512, window: Int = 8, onReceipts: ([SubmitReceipt]) throws -> Void
    ) throws(ClientError) {
        let window = min(max(window, 1), Self.maxRequestsInFlight)
        var iterator = jobs.makeIterator()
        var order: [UInt64] = []
        var arrived: [UInt64: [SubmitReceipt]] = [:]
        var exhausted = false
        while true {
            while !exhausted, order.count < window {
                var batch: [JobSpec] = []
                while batch.count < batchSize, let job = iterator.next() { batch.append(job) }
                if batch.isEmpty { exhausted = true; break }
                order.append(try send(.submit(batch)))
            }
            guard !order.isEmpty else { return }
            guard let reply = try receive() else { throw silence(seconds: timeout.seconds) }
            switch reply.body {
            case .accepted(let receipts): arrived[reply.requestId] = receipts
            case .error(let code, let message): throw .refused(code: code, message: message)
            default: throw .badReply("expected ACCEPTED")
            }
            while let head = order.first, let receipts = arrived.removeValue(forKey: head) {
                order.removeFirst()
                do { try onReceipts(receipts) } catch { throw .socket("output failed: \(error)") }
            }
        }
    }

    /// Waits until every job is final and returns their job documents, in order.
    /// A silent dispatcher is pinged; if the ping goes unanswered it is `unreachable`.
    /// After a dispatcher restart the wait is registered again; only then, because the
    /// dispatcher caps the WAITs pending per client and the earlier one is still there.
    @available(*, noasync)
    public func wait(for jobIds: [UInt64]) throws(ClientError) -> [[UInt8]] {
        var waitIds: Set<UInt64> = [try send(.wait(jobIds))]
        var sentAt = ContinuousClock.now
        while true {
            if let reply = try receive() {
                guard waitIds.contains(reply.requestId) else { continue }
                switch reply.body {
                case .waitDone(let documents): return documents
                case .error(let code, let message): throw .refused(code: code, message: message)
                default: throw .badReply("expected WAIT-DONE")
                }
            }
            guard case .statusReport(let report) = try call(.status) else { throw .badReply("expected STATUS-REPORT") }
            let uptime = (try? StatusReport(json: report))?.uptimeSeconds
            // Up for less time than the WAIT has been out (a second's margin for rounding): restarted since.
            if uptime.map({ $0 + 1 < (ContinuousClock.now - sentAt).seconds }) ?? true {
                waitIds.insert(try send(.wait(jobIds)))
                sentAt = ContinuousClock.now
            }
        }
    }
}
