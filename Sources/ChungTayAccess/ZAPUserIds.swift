/// The `User-Id` the ZAP handler gives an admitted connection, and the only form of it the
/// dispatcher believes: a random token of this process, a colon, then the key in Z85.
///
/// libzmq sets `User-Id` from ZAP's reply only when a handler answers; otherwise (no handler
/// bound, or it stopped) it keeps whatever metadata the peer sent in its handshake, and a
/// peer may well send `User-Id` = a key it knows, such as the dispatcher's own. A peer never
/// learns the token (it is neither sent nor logged), so a `User-Id` carrying it came from
/// this process's handler.
public struct ZAPUserIds: Sendable {
    private let prefix: String

    /// A new token: 128 bits from the system's random source, as 32 hex digits.
    public init() {
        var generator = SystemRandomNumberGenerator()
        let words = [generator.next(), generator.next()] as [UInt64]
        let hex = words.map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        prefix = hex.joined() + ":"
    }

    /// What the handler answers for an admitted `publicKey`.
    public func userId(forKey publicKey: String) -> String { prefix + publicKey }

    /// The key a message's `userId` vouches for; nil when it has none or lacks the token.
    public func key(in userId: String?) -> String? {
        guard let userId, userId.hasPrefix(prefix) else { return nil }
        return String(userId.dropFirst(prefix.count))
    }
}

extension ZAPUserIds: CustomStringConvertible {
    /// Never the token, should the value reach a log line.
    public var description: String { "ZAPUserIds(token hidden)" }
}
