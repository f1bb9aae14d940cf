public import ChungTayAccess
import Crypto
import Foundation

/// The bearer tokens of the HTTP API: 256 random bits, known only to the service that holds
/// the token file; the allow directory lists the token's SHA-256 (``TokenDigest``). A token has
/// that much entropy, so a plain hash (not a slow password hash) is what guessing cannot beat.
public enum HTTPBearerToken {
    /// `ctk_` and 43 base64url characters (32 bytes from the system's random source): the
    /// prefix lets a secret scanner recognise a leaked token.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return "ctk_" + base64URL(bytes)
    }

    /// The digest a token is listed by: SHA-256 of its UTF-8 bytes.
    public static func digest(of token: some StringProtocol) -> TokenDigest {
        // SHA-256 has 32 bytes, which is all ``TokenDigest`` asks.
        TokenDigest(sha256: Array(SHA256.hash(data: Array(token.utf8))))!
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
