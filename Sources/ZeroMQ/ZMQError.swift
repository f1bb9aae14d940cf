#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CZeroMQ

/// A failed libzmq call.
///
/// Carries the raw errno so callers can branch on the exact condition
/// (EAGAIN, ETERM, EHOSTUNREACH, ...) instead of parsing text, and the name of
/// the operation so a log line says which call failed.
public struct ZMQError: Error, CustomStringConvertible, Equatable {
    public let errno: Int32
    public let operation: String

    public init(errno: Int32, operation: String) {
        self.errno = errno
        self.operation = operation
    }

    /// libzmq's text for the errno; it also knows libzmq's own codes such as ETERM and EFSM.
    public var message: String {
        String(cString: zmq_strerror(errno))
    }

    /// The call would have blocked: nothing to receive, no room to send, or a timeout expired.
    public var isAgain: Bool { errno == EAGAIN }

    /// The context was shut down or terminated; the socket is only good for closing.
    public var isTerminated: Bool { errno == ETERM }

    /// A signal interrupted the call before it did anything.
    public var isInterrupted: Bool { errno == EINTR }

    public var description: String {
        "\(operation) failed: \(message) (errno \(errno))"
    }

    /// Reads libzmq's errno, which is the portable one: on Windows it differs from the CRT's.
    static func last(_ operation: String) -> ZMQError {
        ZMQError(errno: zmq_errno(), operation: operation)
    }

    static func invalidArgument(_ operation: String) -> ZMQError {
        ZMQError(errno: EINVAL, operation: operation)
    }

    static func notASocket(_ operation: String) -> ZMQError {
        ZMQError(errno: ENOTSOCK, operation: operation)
    }
}
