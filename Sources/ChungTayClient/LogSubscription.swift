public import ChungTayWire
public import ZeroMQ

/// A subscriber of the dispatcher's log bus (CTLP01, docs/PROTOCOL.md "Log protocol"): the
/// last matching records first, then, when following, new ones as they come.
///
/// Synchronous like `DispatcherClient`: call ``next(timeout:)`` from one thread (an async
/// caller runs it on a thread of its own). It keeps the subscription alive itself: a
/// heartbeat every `LogProtocol.heartbeatInterval`, and a new SUBSCRIBE (without tail) when
/// the dispatcher forgot it (it was stopped or slow for longer than the liveness).
public final class LogSubscription {
    public enum Event: Equatable, Sendable {
        /// Matching records, oldest first.
        case records([LogRecord])
        /// The tail is complete; without follow nothing more comes.
        case tailEnd
    }

    public let endpoint: String
    public let request: LogSubscriptionRequest
    private let context: ZMQContext
    private let socket: ZMQSocket
    private var poll: HeartbeatingPoll
    private var lastHeard: ContinuousClock.Instant

    /// With `curve`, the connection is encrypted and the dispatcher admits it only for an operator's key.
    public init(endpoint: String, request: LogSubscriptionRequest, curve: CurveClientKeys? = nil) throws(ClientError) {
        self.endpoint = endpoint
        self.request = request
        do {
            context = try ZMQContext()
            socket = try ZMQSocket(context: context, type: .dealer)
            try socket.setLinger(milliseconds: 0)
            try socket.setReceiveHighWaterMark(0)
            try socket.setCurveClient(curve)
            let handshake = try HandshakeReport(monitoring: socket, context: context, name: "log-subscription", endpoint: endpoint, curve: curve)
            poll = HeartbeatingPoll(socket: socket, handshake: handshake, interval: .seconds(LogProtocol.heartbeatInterval),
                                    heartbeat: LogMessage.heartbeat.encode())
            try socket.connect(endpoint)
            _ = try socket.send(LogMessage.subscribe(request).encode())
        } catch {
            throw .socket("\(error)")
        }
        lastHeard = .now
    }

    /// The next records or the end of the tail; nil when `timeout` passed with neither.
    ///
    /// - Throws: `unreachable` when a following subscription heard nothing (not even a
    ///   heartbeat) for the liveness; `rejected` when the dispatcher refused the handshake;
    ///   `refused` for an error reply other than "not subscribed".
    @available(*, noasync)
    public func next(timeout: Duration) throws(ClientError) -> Event? {
        let deadline = ContinuousClock.now + timeout
        let silence = Duration.seconds(LogProtocol.heartbeatInterval * Double(LogProtocol.heartbeatLiveness))
        do {
            while true {
                if request.follow, ContinuousClock.now - lastHeard > silence {
                    throw self.silence(seconds: silence.seconds)
                }
                if ContinuousClock.now >= deadline { return nil }
                guard let frames = try poll.receive(until: deadline, heartbeats: request.follow) else { continue }
                lastHeard = .now
                let message: LogMessage
                do {
                    message = try LogMessage.decode(frames[...])
                } catch {
                    throw ClientError.badReply("\(error)")
                }
                switch message {
                case .records(let records): return .records(records)
                case .tailEnd: return .tailEnd
                case .heartbeat: continue
                case .error(let code, _) where code == WireError.Code.notReady.rawValue:
                    var again = request
                    again.tail = 0
                    _ = try socket.send(LogMessage.subscribe(again).encode(), dontWait: true)
                case .error(let code, let text):
                    throw ClientError.refused(code: code, message: text)
                case .subscribe, .cancel:
                    throw ClientError.badReply("a subscriber's command from the dispatcher")
                }
            }
        } catch let error as ClientError {
            throw error
        } catch {
            throw .socket("\(error)")
        }
    }

    /// What hearing nothing for `seconds` means: a rejected key when a handshake was closed meanwhile.
    public func silence(seconds: Double) -> ClientError {
        poll.handshake.silence(seconds: seconds)
    }

    /// Tells the dispatcher to stop sending (it also forgets a subscriber that goes silent).
    public func cancel() {
        _ = try? socket.send(LogMessage.cancel.encode(), dontWait: true)
    }
}
