/// How large a route's body may be. The body is held whole before it is checked, and what a
/// route makes of it is a multiple of its size (a JSON tree, the lines of a `:batch`), so each
/// route takes no more than its use needs (413 `too_large` beyond).
public enum BodyLimit: Sendable {
    /// One job's payload: it goes to the dispatcher in one message, so at most
    /// ``HTTPAPIConfiguration/maxMessageBytes`` (the gateway checks the encoded message).
    case payload
    /// A `:batch` or a piece of a list: ``HTTPAPIConfiguration/maxBodyBytes`` (`--http-max-body`).
    case list
    /// A JSON body of a few members (batch open, dead-letter retry):
    /// ``HTTPAPIConfiguration/maxSmallBodyBytes``.
    case json

    /// The bytes allowed, and what sets them (for the problem's detail).
    func bytes(in configuration: HTTPAPIConfiguration) -> (count: Int, source: String) {
        switch self {
        case .payload: (configuration.maxMessageBytes, "the dispatcher's --max-message-bytes")
        case .list: (configuration.maxBodyBytes, "--http-max-body")
        case .json: (configuration.maxSmallBodyBytes, "this route's JSON body limit")
        }
    }
}
