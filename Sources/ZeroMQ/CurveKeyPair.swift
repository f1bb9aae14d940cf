import CZeroMQ

/// A CURVE key pair in Z85 text form (40 characters per key), the form libzmq
/// accepts as socket options and the form that survives config files and logs.
public struct CurveKeyPair: Sendable, Equatable {
    public let publicKey: String
    public let secretKey: String

    /// Z85 encodes 32 key bytes in 40 characters.
    static let z85KeyLength = 40

    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Fails with ENOTSUP when libzmq was built without CURVE support.
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: z85KeyLength + 1)
        var secretKey = [CChar](repeating: 0, count: z85KeyLength + 1)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else {
            throw .last("CurveKeyPair.generate")
        }
        return CurveKeyPair(publicKey: String(nulTerminated: publicKey), secretKey: String(nulTerminated: secretKey))
    }

    /// Derives the public key, so only the secret key needs to be stored.
    public static func publicKey(forSecret secretKey: String) throws(ZMQError) -> String {
        // zmq_curve_public decodes into a 32-byte buffer without checking the
        // length, so anything but 40 characters would overrun it.
        guard secretKey.utf8.count == z85KeyLength else {
            throw .invalidArgument("CurveKeyPair.publicKey")
        }
        var publicKey = [CChar](repeating: 0, count: z85KeyLength + 1)
        guard zmq_curve_public(&publicKey, secretKey) == 0 else {
            throw .last("CurveKeyPair.publicKey")
        }
        return String(nulTerminated: publicKey)
    }

    /// A short, readable name for a public key in logs and refusals: the first 6 of its
    /// 32 bytes in hex, in three groups of two bytes joined by `:` (`91f3:2a11:4682`). The
    /// bytes of a Curve25519 public key are uniformly random, so this names a key well
    /// enough to find its file; it authenticates nothing. The colons keep every run of
    /// decimal digits under the nine that log masking takes for a phone number or citizen ID
    /// (`PersonalDataMask`): 12 hex digits in a row hold such a run for about one key in 25,
    /// whose id the logs then showed masked. Nil when `publicKey` is not a Z85 key.
    public static func shortId(ofPublicKey publicKey: String) -> String? {
        guard let bytes = decode(publicKey) else { return nil }
        let digits = Array("0123456789abcdef".utf8)
        let hex = bytes.prefix(6).map { byte in
            String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }
        return stride(from: 0, to: hex.count, by: 2).map { hex[$0..<min($0 + 2, hex.count)].joined() }.joined(separator: ":")
    }

    /// Whether `key` is 40 characters of Z85 that decode to 32 bytes.
    public static func isValidKey(_ key: String) -> Bool {
        decode(key) != nil
    }

    private static func decode(_ key: String) -> [UInt8]? {
        guard key.utf8.count == z85KeyLength else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        // zmq_z85_decode rejects characters outside the Z85 alphabet; the length is checked above.
        guard zmq_z85_decode(&bytes, key) != nil else { return nil }
        return bytes
    }
}
