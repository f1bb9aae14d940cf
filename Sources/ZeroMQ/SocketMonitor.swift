import CZeroMQ

/// Kinds of connection lifecycle events a socket can report through ``ZMQSocket/monitor(_:events:)``.
public struct MonitorEvents: OptionSet, Sendable {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    public static let connected = MonitorEvents(rawValue: ZMQ_EVENT_CONNECTED)
    public static let connectDelayed = MonitorEvents(rawValue: ZMQ_EVENT_CONNECT_DELAYED)
    public static let connectRetried = MonitorEvents(rawValue: ZMQ_EVENT_CONNECT_RETRIED)
    public static let listening = MonitorEvents(rawValue: ZMQ_EVENT_LISTENING)
    public static let bindFailed = MonitorEvents(rawValue: ZMQ_EVENT_BIND_FAILED)
    public static let accepted = MonitorEvents(rawValue: ZMQ_EVENT_ACCEPTED)
    public static let acceptFailed = MonitorEvents(rawValue: ZMQ_EVENT_ACCEPT_FAILED)
    public static let closed = MonitorEvents(rawValue: ZMQ_EVENT_CLOSED)
    public static let closeFailed = MonitorEvents(rawValue: ZMQ_EVENT_CLOSE_FAILED)
    public static let disconnected = MonitorEvents(rawValue: ZMQ_EVENT_DISCONNECTED)
    public static let monitorStopped = MonitorEvents(rawValue: ZMQ_EVENT_MONITOR_STOPPED)
    /// `value` is the errno.
    public static let handshakeFailedNoDetail = MonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
    public static let handshakeSucceeded = MonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
    /// `value` is one of libzmq's ZMQ_PROTOCOL_ERROR_* codes.
    public static let handshakeFailedProtocol = MonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
    /// `value` is the ZAP status code (300, 400 or 500).
    public static let handshakeFailedAuth = MonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
    public static let all = MonitorEvents(rawValue: ZMQ_EVENT_ALL)
}

/// One event received from a monitor endpoint.
public struct MonitorEvent: Sendable, Equatable {
    /// Exactly one kind.
    public let kind: MonitorEvents
    /// Depends on `kind`: a file descriptor, an errno, a retry interval or a ZAP status code.
    public let value: UInt32
    /// The endpoint the event concerns.
    public let endpoint: String

    /// Parses the two-frame message a monitor socket sends: a 6-byte frame
    /// (16-bit event, 32-bit value, host byte order) and the endpoint.
    /// Returns nil for anything else.
    public init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let (kind, value) = frames[0].withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: 0, as: UInt16.self), $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        }
        self.kind = MonitorEvents(rawValue: Int32(kind))
        self.value = value
        self.endpoint = String(decoding: frames[1], as: UTF8.self)
    }
}

extension ZMQSocket {
    /// Publishes this socket's connection events on a PAIR socket that libzmq
    /// binds at `endpoint` (an `inproc://` address).
    ///
    /// Connect a `.pair` socket there before the events of interest happen:
    /// events raised while nobody is connected are dropped. Parse what it
    /// receives with ``MonitorEvent/init(frames:)``.
    public func monitor(_ endpoint: String, events: MonitorEvents = .all) throws(ZMQError) {
        let handle = try openHandle("monitor")
        guard zmq_socket_monitor(handle, endpoint, events.rawValue) == 0 else { throw .last("monitor") }
    }
}
