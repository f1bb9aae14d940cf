/// A ``ZAPHandler``'s answer to one authentication request.
public enum ZAPVerdict: Sendable, Equatable {
    /// Admits the peer; libzmq attaches `userId` to every message from it as the
    /// `User-Id` property, which is how the receiver learns who sent a message.
    case allow(userId: String)
    /// Refuses the handshake (ZAP status 400); the peer never gets a message through.
    case deny
}
