import CZeroMQ

/// One authentication request from libzmq to a ``ZAPHandler`` (RFC 27).
public struct ZAPRequest: Sendable, Equatable {
    /// The server socket's ZAP domain, which lets one handler apply different rules per socket.
    public let domain: String
    /// The client's IP address.
    public let address: String
    /// "NULL", "PLAIN" or "CURVE".
    public let mechanism: String
    /// The client's long-term CURVE public key in Z85; nil for other mechanisms.
    public let clientPublicKey: String?

    public init(domain: String, address: String, mechanism: String, clientPublicKey: String?) {
        self.domain = domain
        self.address = address
        self.mechanism = mechanism
        self.clientPublicKey = clientPublicKey
    }

    /// Frame layout: version, request id, domain, address, identity,
    /// mechanism, then the mechanism's credentials (CURVE: the 32-byte public key).
    init?(frames: [[UInt8]]) {
        guard frames.count >= 6, frames[0] == Array("1.0".utf8) else { return nil }
        domain = String(decoding: frames[2], as: UTF8.self)
        address = String(decoding: frames[3], as: UTF8.self)
        mechanism = String(decoding: frames[5], as: UTF8.self)
        if mechanism == "CURVE", frames.count == 7, frames[6].count == 32 {
            clientPublicKey = Self.z85(frames[6])
        } else {
            clientPublicKey = nil
        }
    }

    /// Z85 text, the same form ``CurveKeyPair`` uses, so keys compare as strings.
    private static func z85(_ key: [UInt8]) -> String {
        var text = [CChar](repeating: 0, count: CurveKeyPair.z85KeyLength + 1)
        // Cannot fail: 32 bytes is a multiple of 4 and the buffer holds 40 characters plus NUL.
        zmq_z85_encode(&text, key, key.count)
        return String(nulTerminated: text)
    }
}
