import ZeroMQ

/// What a client has learnt about its handshakes with the dispatcher, so that a refused key
/// ends a call at once and a silence after a closed handshake is not called "unreachable".
struct HandshakeReport {
    let watch: HandshakeWatch
    private let endpoint: String
    /// Whether a closed handshake may be the key's fault; without keys it is only a peer going away.
    let usesCurve: Bool
    /// A handshake failure that may have been passing; it names a silence that follows.
    private var closedHandshake: HandshakeWatch.Failure?

    /// Made before `socket` connects, or the first failures are missed.
    init(monitoring socket: ZMQSocket, context: ZMQContext, name: String, endpoint: String, curve: CurveClientKeys?) throws(ZMQError) {
        watch = try HandshakeWatch(monitoring: socket, context: context, name: name)
        self.endpoint = endpoint
        usesCurve = curve != nil
    }

    /// Reads the watch's events (when its socket is readable): a definite refusal throws.
    mutating func read() throws(ClientError) {
        guard let failure = watch.failure() else { return }
        if failure.isDefinite { throw .rejected(endpoint: endpoint, reason: failure.description) }
        if usesCurve { closedHandshake = failure }
    }

    /// What no answer in `seconds` means.
    func silence(seconds: Double) -> ClientError {
        if let closedHandshake { return .rejected(endpoint: endpoint, reason: closedHandshake.description) }
        return .unreachable(endpoint: endpoint, seconds: seconds)
    }
}
