import CZeroMQ
import Glibc

/// Why a connecting socket's security handshake failed, read from its monitor events.
///
/// A refused CURVE client otherwise sees nothing at all: libzmq reconnects quietly and the
/// requests wait in the queue, so the caller would only learn "no answer" after its whole
/// timeout. Create the watch before the socket connects (events raised before anyone
/// listens are lost), poll ``socket`` beside the watched one, and ask ``failure()``.
public final class HandshakeWatch {
    /// The PAIR socket the events arrive on; readable when one came.
    public let socket: ZMQSocket

    /// One handshake's failure, said for the operator.
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        /// Whether the peer decided (ZAP refused the key, or the mechanisms do not match),
        /// so that trying again cannot help. Otherwise the connection closed during the
        /// handshake, which a wrong server key causes, but so might a restarting peer.
        public let isDefinite: Bool
        public let description: String
    }

    /// `name` tells this watch's inproc endpoint from other watches in the same context.
    public init(monitoring watched: ZMQSocket, context: ZMQContext, name: String) throws(ZMQError) {
        let endpoint = "inproc://chungtay-handshake-\(name)"
        try watched.monitor(endpoint, events: [.handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth])
        socket = try ZMQSocket(context: context, type: .pair)
        try socket.setLinger(milliseconds: 0)
        try socket.connect(endpoint)
    }

    /// The most telling failure among the events that arrived since the last call (a
    /// definite one wins), or nil. Never waits.
    public func failure() -> Failure? {
        var found: Failure?
        while let frames = try? socket.receive(dontWait: true), let event = MonitorEvent(frames: frames) {
            guard let failure = Self.failure(event) else { continue }
            if found?.isDefinite != true { found = failure }
        }
        return found
    }

    /// What `event` says about the handshake, in the words of a client's settings.
    public static func failure(_ event: MonitorEvent) -> Failure? {
        switch event.kind {
        case .handshakeFailedAuth:
            let reason = switch event.value {
            case 400: "its allow list does not admit this key for this endpoint (ZAP 400)"
            case 300: "its key check failed for now (ZAP 300)"
            default: "its key check failed (ZAP \(event.value))"
            }
            return Failure(isDefinite: true, description: reason)
        case .handshakeFailedProtocol:
            switch Int32(bitPattern: event.value) {
            case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
                return Failure(isDefinite: true, description: "the dispatcher and this peer disagree on CURVE (one side has keys, the other none)")
            case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC:
                return Failure(isDefinite: true, description: "the CURVE handshake did not decrypt (is --server-key the dispatcher's public key?)")
            default:
                return Failure(isDefinite: true, description: "protocol error 0x\(String(event.value, radix: 16)) in the handshake")
            }
        case .handshakeFailedNoDetail:
            let cause = String(cString: strerror(Int32(bitPattern: event.value)))
            return Failure(isDefinite: false, description: "the connection closed during the handshake (\(cause)); is --server-key the dispatcher's public key, and does it run with --curve-secret?")
        default:
            return nil
        }
    }
}
