/// The routing envelope a ROUTER socket sees in front of every message.
///
/// A ROUTER prepends the peer's routing id. REQ peers (and MDP workers, whose spec puts
/// an empty frame first) add an empty delimiter; DEALER peers usually do not. The
/// dispatcher accepts both and answers in the same shape, so one endpoint serves both
/// kinds of peer without configuration.
public struct Envelope: Hashable, Sendable {
    public var routingId: [UInt8]
    public var hasDelimiter: Bool

    public init(routingId: [UInt8], hasDelimiter: Bool) {
        self.routingId = routingId
        self.hasDelimiter = hasDelimiter
    }

    /// Splits a ROUTER message into its envelope and the peer's own frames.
    public static func split(_ frames: [[UInt8]]) throws(WireError) -> (Envelope, ArraySlice<[UInt8]>) {
        guard let routingId = frames.first else {
            throw WireError(.malformed, "empty message")
        }
        let rest = frames.dropFirst()
        if let first = rest.first, first.isEmpty {
            return (Envelope(routingId: routingId, hasDelimiter: true), rest.dropFirst())
        }
        return (Envelope(routingId: routingId, hasDelimiter: false), rest)
    }

    /// Prepends this envelope to a message body for sending on the ROUTER.
    public func wrap(_ body: [[UInt8]]) -> [[UInt8]] {
        var frames: [[UInt8]] = [routingId]
        frames.reserveCapacity(body.count + 2)
        if hasDelimiter { frames.append([]) }
        frames.append(contentsOf: body)
        return frames
    }
}
