import CZeroMQ

extension ZMQSocket {
    /// Sends all frames as one multipart message.
    ///
    /// Returns false only when the first frame could not be queued without
    /// blocking: `dontWait` was set, or a send timeout expired (EAGAIN).
    ///
    /// libzmq queues frames one at a time. If a later frame fails, the frames
    /// before it already sit in the socket as an unfinished message that any
    /// further send would extend, so after such an error the socket is only
    /// good for closing.
    @available(*, noasync)
    @discardableResult
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws(ZMQError) -> Bool {
        try sendMessage(frames, flags: dontWait ? ZMQ_DONTWAIT : 0)
    }

    /// ``send(_:dontWait:)`` with `dontWait`, callable from async code because it never blocks.
    @discardableResult
    public func trySend(_ frames: [[UInt8]]) throws(ZMQError) -> Bool {
        try sendMessage(frames, flags: ZMQ_DONTWAIT)
    }

    /// Receives one whole multipart message.
    ///
    /// Returns nil only when nothing is ready: `dontWait` was set, or the
    /// receive timeout expired (EAGAIN). Signals do not surface; the call is
    /// retried.
    @available(*, noasync)
    public func receive(dontWait: Bool = false) throws(ZMQError) -> [[UInt8]]? {
        try receiveMessage(flags: dontWait ? ZMQ_DONTWAIT : 0, limits: .unlimited)?.frames
    }

    /// ``receive(dontWait:)`` with `dontWait`, callable from async code because it never blocks.
    public func tryReceive() throws(ZMQError) -> [[UInt8]]? {
        try receiveMessage(flags: ZMQ_DONTWAIT, limits: .unlimited)?.frames
    }

    /// Receives one multipart message, keeping its frames only while it stays within `limits`.
    ///
    /// ``setMaxMessageSize(_:)`` caps a single frame; nothing in libzmq caps the number of
    /// frames or their sum. Frames are copied out one at a time, so a message past either
    /// limit costs no more memory here than the limit itself: the rest of it is read and
    /// dropped, and the result says how big it really was.
    ///
    /// With `peerAddress`, the result also carries the connection's `Peer-Address`
    /// property: asked for only where it is recorded (the dispatcher's client socket, for
    /// the audit trail), since reading it costs a lookup and a string per message.
    /// With `userId`, it carries the `User-Id` a ``ZAPHandler`` gave the connection: asked
    /// for only on CURVE sockets, for the same reason.
    @available(*, noasync)
    public func receive(
        limits: MessageLimits, dontWait: Bool = false, peerAddress: Bool = false, userId: Bool = false
    ) throws(ZMQError) -> ReceivedMessage? {
        try receiveMessage(flags: dontWait ? ZMQ_DONTWAIT : 0, limits: limits, peerAddress: peerAddress, userId: userId)
    }

    /// ``receive(limits:dontWait:)`` with `dontWait`, callable from async code because it never blocks.
    public func tryReceive(limits: MessageLimits) throws(ZMQError) -> ReceivedMessage? {
        try receiveMessage(flags: ZMQ_DONTWAIT, limits: limits)
    }

    private func sendMessage(_ frames: [[UInt8]], flags: Int32) throws(ZMQError) -> Bool {
        let handle = try openHandle("send")
        // ZMTP has no zero-frame message; sending nothing would be a silent no-op.
        guard !frames.isEmpty else { throw .invalidArgument("send") }
        for (index, frame) in frames.enumerated() {
            let more = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            while frame.withUnsafeBytes({ zmq_send(handle, $0.baseAddress, $0.count, flags | more) }) < 0 {
                let error = ZMQError.last("send")
                if error.isInterrupted { continue }
                if error.isAgain && index == 0 { return false }
                throw error
            }
        }
        return true
    }

    private func receiveMessage(
        flags: Int32, limits: MessageLimits, peerAddress: Bool = false, userId: Bool = false
    ) throws(ZMQError) -> ReceivedMessage? {
        let handle = try openHandle("receive")
        // A zmq_msg_t must not move between init and close; a temporary
        // allocation gives it a fixed address without a heap round trip.
        return try withUnsafeTemporaryAllocation(of: zmq_msg_t.self, capacity: 1) {
            (buffer) throws(ZMQError) -> ReceivedMessage? in
            let message = buffer.baseAddress!
            var received = ReceivedMessage(frames: [], oversize: nil, connection: nil)
            var frameCount = 0
            var byteCount = 0
            var hasMore = true
            while hasMore {
                zmq_msg_init(message)
                defer { zmq_msg_close(message) }
                while zmq_msg_recv(message, handle, flags) < 0 {
                    let error = ZMQError.last("receive")
                    if error.isInterrupted { continue }
                    // libzmq delivers multipart messages atomically, so only the
                    // first frame can find nothing waiting.
                    if error.isAgain && frameCount == 0 { return nil }
                    throw error
                }
                let size = zmq_msg_size(message)
                frameCount += 1
                // Saturates: the sum only needs to tell "over the limit", and frames are capped well below Int.max.
                byteCount = size > Int.max - byteCount ? Int.max : byteCount + size
                // A ROUTER that was polled prefetches the message and makes up its routing-id
                // frame without the connection's metadata; the peer's own first frame has it.
                if frameCount <= 2, received.connection == nil { received.connection = Self.sourceDescriptor(message) }
                if peerAddress, frameCount <= 2, received.peerAddress == nil { received.peerAddress = Self.peerAddress(message) }
                if userId, frameCount <= 2, received.userId == nil { received.userId = Self.property("User-Id", of: message) }
                if received.oversize == nil, frameCount > limits.maxFrames || byteCount > limits.maxBytes {
                    received.oversize = .init(frames: 0, bytes: 0)
                }
                if received.oversize == nil {
                    received.frames.append([UInt8](UnsafeRawBufferPointer(start: zmq_msg_data(message), count: size)))
                }
                hasMore = zmq_msg_more(message) != 0
            }
            if received.oversize != nil { received.oversize = .init(frames: frameCount, bytes: byteCount) }
            return received
        }
    }

    /// The `Peer-Address` metadata property libzmq attaches to frames from a TCP peer (its
    /// IP address) or an IPC peer; nil for inproc peers, whose frames carry no metadata.
    private static func peerAddress(_ message: UnsafeMutablePointer<zmq_msg_t>) -> String? {
        property("Peer-Address", of: message)
    }

    /// A metadata property of the frame's connection; `User-Id` is set only when a ZAP handler
    /// answered the handshake with one (a CURVE server with no handler admits without it).
    private static func property(_ name: String, of message: UnsafeMutablePointer<zmq_msg_t>) -> String? {
        guard let value = zmq_msg_gets(message, name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    /// The connection's file descriptor, which libzmq attaches to every frame from a TCP or
    /// IPC peer (`ZMQ_SRCFD`, deprecated upstream in favour of the draft ZMQ_ROUTER_NOTIFY,
    /// which distribution builds of libzmq 4.3 do not enable); nil for inproc peers.
    private static func sourceDescriptor(_ message: UnsafeMutablePointer<zmq_msg_t>) -> Int32? {
        let descriptor = zmq_msg_get(message, ZMQ_SRCFD)
        return descriptor < 0 ? nil : descriptor
    }
}

/// The most one incoming message may carry, checked as its frames arrive.
public struct MessageLimits: Sendable, Equatable {
    public var maxFrames: Int
    /// All frames together, including the routing frames a ROUTER adds.
    public var maxBytes: Int

    public init(maxFrames: Int, maxBytes: Int) {
        self.maxFrames = maxFrames
        self.maxBytes = maxBytes
    }

    public static let unlimited = MessageLimits(maxFrames: .max, maxBytes: .max)
}

/// One message as ``ZMQSocket/receive(limits:dontWait:)`` read it.
public struct ReceivedMessage: Sendable, Equatable {
    /// How big a message that broke a limit really was.
    public struct Oversize: Sendable, Equatable {
        public var frames: Int
        public var bytes: Int
    }

    /// Every frame; for an oversized message only those that arrived before a limit was
    /// crossed (the leading frames, where the routing id and headers are).
    public var frames: [[UInt8]]
    /// Set when the message broke a limit; the frames past it were read and dropped.
    public var oversize: Oversize?
    /// The file descriptor of the connection it arrived on, for matching it with the
    /// socket's monitor events (``MonitorEvents/accepted``, ``MonitorEvents/disconnected``);
    /// nil for inproc peers.
    public var connection: Int32?
    /// The peer's address as the transport knows it (`Peer-Address`: the IP address of a
    /// TCP peer), when asked for and known; nil for inproc peers.
    public var peerAddress: String?
    /// The `User-Id` a ``ZAPHandler`` gave the connection (``ZAPVerdict/allow(userId:)``),
    /// when asked for; nil when none was given, e.g. no ZAP handler answered.
    public var userId: String?
}
