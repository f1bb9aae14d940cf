import CZeroMQ

extension ZMQSocket {
    /// How long queued outgoing messages may keep the context from terminating after close; -1 waits forever.
    public func setLinger(milliseconds: Int32) throws(ZMQError) {
        try setOption(ZMQ_LINGER, milliseconds, operation: "setLinger")
    }

    /// Messages queued per peer before sends block or drop, depending on the socket type; 0 is unlimited.
    public func setSendHighWaterMark(_ n: Int32) throws(ZMQError) {
        try setOption(ZMQ_SNDHWM, n, operation: "setSendHighWaterMark")
    }

    public func setReceiveHighWaterMark(_ n: Int32) throws(ZMQError) {
        try setOption(ZMQ_RCVHWM, n, operation: "setReceiveHighWaterMark")
    }

    /// A peer that sends a larger message is disconnected before the message
    /// is buffered, which bounds the memory an untrusted peer can make us
    /// allocate. The message is lost to this socket: a reconnecting sender
    /// offers it again and is disconnected again.
    public func setMaxMessageSize(_ bytes: Int64) throws(ZMQError) {
        try setOption(ZMQ_MAXMSGSIZE, bytes, operation: "setMaxMessageSize")
    }

    /// The identity a ROUTER peer sees for this socket; set before connecting.
    public func setRoutingId(_ id: [UInt8]) throws(ZMQError) {
        try setOption(ZMQ_ROUTING_ID, bytes: id, operation: "setRoutingId")
    }

    /// ZMTP heartbeats, in milliseconds, so a silently dead peer is noticed
    /// without waiting for TCP keepalive: `interval` between pings, `timeout`
    /// without traffic before disconnecting, `ttl` the remote side should use.
    public func setHeartbeat(interval: Int32, timeout: Int32, ttl: Int32) throws(ZMQError) {
        try setOption(ZMQ_HEARTBEAT_IVL, interval, operation: "setHeartbeat")
        try setOption(ZMQ_HEARTBEAT_TIMEOUT, timeout, operation: "setHeartbeat")
        try setOption(ZMQ_HEARTBEAT_TTL, ttl, operation: "setHeartbeat")
    }

    /// Makes a ROUTER fail a send to an unknown routing id with EHOSTUNREACH instead of dropping it silently.
    public func setRouterMandatory(_ on: Bool) throws(ZMQError) {
        try setOption(ZMQ_ROUTER_MANDATORY, Int32(on ? 1 : 0), operation: "setRouterMandatory")
    }

    /// Queues messages only to completed connections, so a send to a peer
    /// that is not up yet blocks (or returns false) instead of piling up.
    public func setImmediate(_ on: Bool) throws(ZMQError) {
        try setOption(ZMQ_IMMEDIATE, Int32(on ? 1 : 0), operation: "setImmediate")
    }

    /// After this many milliseconds a blocking receive returns nil; -1 waits forever.
    public func setReceiveTimeout(milliseconds: Int32) throws(ZMQError) {
        try setOption(ZMQ_RCVTIMEO, milliseconds, operation: "setReceiveTimeout")
    }

    /// After this many milliseconds a blocking send returns false; -1 waits forever.
    public func setSendTimeout(milliseconds: Int32) throws(ZMQError) {
        try setOption(ZMQ_SNDTIMEO, milliseconds, operation: "setSendTimeout")
    }

    /// Reconnect backoff: starts at `milliseconds` and doubles up to `max` (0 keeps it constant).
    public func setReconnectInterval(milliseconds: Int32, max: Int32) throws(ZMQError) {
        try setOption(ZMQ_RECONNECT_IVL, milliseconds, operation: "setReconnectInterval")
        try setOption(ZMQ_RECONNECT_IVL_MAX, max, operation: "setReconnectInterval")
    }

    /// SUB only: receive messages whose first frame starts with `prefix`; an empty prefix receives everything.
    public func subscribe(_ prefix: [UInt8]) throws(ZMQError) {
        try setOption(ZMQ_SUBSCRIBE, bytes: prefix, operation: "subscribe")
    }

    /// Makes this socket the CURVE server side: connections are encrypted and
    /// the client must know the matching public key. `secretKey` is Z85 (40 characters).
    public func setCurveServer(secretKey: String) throws(ZMQError) {
        try setOption(ZMQ_CURVE_SERVER, Int32(1), operation: "setCurveServer")
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: Array(secretKey.utf8), operation: "setCurveServer")
    }

    /// Makes this socket a CURVE client that only completes a handshake with the server holding `serverPublicKey` (Z85).
    public func setCurveClient(serverPublicKey: String, keyPair: CurveKeyPair) throws(ZMQError) {
        try setOption(ZMQ_CURVE_SERVERKEY, bytes: Array(serverPublicKey.utf8), operation: "setCurveClient")
        try setOption(ZMQ_CURVE_PUBLICKEY, bytes: Array(keyPair.publicKey.utf8), operation: "setCurveClient")
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: Array(keyPair.secretKey.utf8), operation: "setCurveClient")
    }

    /// The domain passed to the ``ZAPHandler``; with the NULL mechanism, ZAP is only consulted when one is set.
    public func setZAPDomain(_ domain: String) throws(ZMQError) {
        try setOption(ZMQ_ZAP_DOMAIN, bytes: Array(domain.utf8), operation: "setZAPDomain")
    }

    private func setOption(_ option: Int32, _ value: some BitwiseCopyable, operation: String) throws(ZMQError) {
        let handle = try openHandle(operation)
        let result = withUnsafeBytes(of: value) { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard result == 0 else { throw .last(operation) }
    }

    private func setOption(_ option: Int32, bytes: [UInt8], operation: String) throws(ZMQError) {
        let handle = try openHandle(operation)
        let result = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard result == 0 else { throw .last(operation) }
    }
}
