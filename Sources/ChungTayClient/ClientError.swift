/// Why a client call did not get its answer.
public enum ClientError: Error, CustomStringConvertible, Sendable {
    /// No reply within the timeout: the dispatcher is down or unreachable.
    case unreachable(endpoint: String, seconds: Double)
    /// The dispatcher closed the security handshake: it does not admit this peer's key, or
    /// the two sides' keys do not fit (`reason` says which, as far as the handshake tells).
    case rejected(endpoint: String, reason: String)
    /// The dispatcher answered with an error reply.
    case refused(code: String, message: String)
    /// The reply could not be understood.
    case badReply(String)
    /// The socket itself failed.
    case socket(String)

    public var description: String {
        switch self {
        case .unreachable(let endpoint, let seconds): "cannot reach the dispatcher at \(endpoint) (no answer in \(seconds) s)"
        case .rejected(let endpoint, let reason): "the dispatcher at \(endpoint) refused this key: \(reason)"
        case .refused(let code, let message): "\(code): \(message)"
        case .badReply(let text): "unexpected reply: \(text)"
        case .socket(let text): "socket error: \(text)"
        }
    }
}
