/// What a CURVE client needs to reach one server: the server's public key, which it
/// checks during the handshake, and its own long-term key pair, by which the server's
/// ZAP handler knows it.
public struct CurveClientKeys: Sendable, Equatable {
    public var serverPublicKey: String
    public var keyPair: CurveKeyPair

    public init(serverPublicKey: String, keyPair: CurveKeyPair) {
        self.serverPublicKey = serverPublicKey
        self.keyPair = keyPair
    }
}

extension ZMQSocket {
    /// Set before connecting; nil leaves the socket on the NULL mechanism.
    public func setCurveClient(_ keys: CurveClientKeys?) throws(ZMQError) {
        guard let keys else { return }
        try setCurveClient(serverPublicKey: keys.serverPublicKey, keyPair: keys.keyPair)
    }
}
