public import ChungTayAccess
#if canImport(Glibc)
import Glibc
#endif
public import NIOCore
import NIOSSL

/// Who an HTTP caller is, from what it presented: a bearer token or a TLS client certificate,
/// looked up in the dispatcher's allow directory (``AccessControl``, reloaded on SIGHUP) and
/// mapped to the same `clients/` or `operators/` principal a CURVE key of that name is.
///
/// A presented `Authorization` header must hold a listed token, whatever certificate comes
/// with it: a caller that sends a wrong token is refused rather than judged by something else.
/// With both, a listed certificate must name the same principal. Without the header, a listed
/// certificate identifies the caller, unless outside its validity dates, and an unlisted one is
/// refused (the TLS handshake accepts any certificate, so that the refusal is a problem
/// document, not a broken connection).
public struct HTTPCredentials: Sendable {
    /// What a request's credentials amount to.
    public enum Verdict: Sendable, Equatable {
        case principal(Principal)
        /// Neither a token nor a certificate: 401, asking for one.
        case missing
        /// Something was presented and is not good; the reason (never the token) is the 401's detail.
        case invalid(String)
    }

    /// RFC 6750 does not bound a token; ours are 47 bytes, and a header beyond this is not one.
    static let maxTokenBytes = 512

    private let access: AccessControl

    public init(access: AccessControl) {
        self.access = access
    }

    /// Identifies a request from its `Authorization` header's value (nil: no header) and the DER
    /// bytes of the TLS client certificate (nil: plain HTTP, or none presented), against the
    /// allow list in force now.
    public func identify(authorization: String?, peerCertificate: [UInt8]?) -> Verdict {
        let list = access.list
        guard let authorization else {
            guard let peerCertificate else { return .missing }
            guard let owner = list.owner(ofCertificate: peerCertificate) else {
                return .invalid("the client certificate is not listed in the allow directory")
            }
            return Self.outsideValidity(peerCertificate).map(Verdict.invalid) ?? .principal(owner)
        }
        guard let token = Self.bearerToken(in: authorization) else {
            return .invalid("the Authorization header is not 'Bearer TOKEN' (RFC 6750)")
        }
        guard let owner = list.owner(ofToken: HTTPBearerToken.digest(of: token)) else {
            return .invalid("the bearer token is not listed in the allow directory")
        }
        if let certificateOwner = peerCertificate.flatMap(list.owner(ofCertificate:)), certificateOwner != owner {
            return .invalid("the client certificate and the bearer token name different principals")
        }
        return .principal(owner)
    }

    /// The DER bytes of the certificate the TLS peer on `channel` presented; nil on a plain
    /// HTTP connection (no TLS handler) or when the client presented none.
    public static func peerCertificate(of channel: any Channel) async -> [UInt8]? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get() else { return nil }
        return try? certificate.toDERBytes()
    }

    /// Why a listed certificate may not identify anyone now, nil when it may: pinning names the
    /// certificate, and its dates still say how long whoever issued it meant it to be used, so
    /// an expired one must be renewed (a new `.crt`) rather than kept working forever.
    static func outsideValidity(_ der: [UInt8]) -> String? {
        guard let certificate = try? NIOSSLCertificate(bytes: der, format: .der) else { return "the client certificate cannot be read" }
        let now = time(nil)
        if now < certificate.notValidBefore { return "the client certificate is not valid yet" }
        if now > certificate.notValidAfter { return "the client certificate has expired: list a renewed one" }
        return nil
    }

    /// The token of `Bearer TOKEN` (the scheme in any case, RFC 9110 §11.1), when TOKEN is an
    /// RFC 6750 `b64token` of at most ``maxTokenBytes``.
    static func bearerToken(in header: String) -> Substring? {
        let scheme = "bearer "
        let utf8 = header.utf8
        guard utf8.count > scheme.utf8.count, utf8.count <= scheme.utf8.count + maxTokenBytes,
              String(decoding: utf8.prefix(scheme.utf8.count), as: UTF8.self).lowercased() == scheme
        else { return nil }
        let token = utf8.dropFirst(scheme.utf8.count).drop { $0 == UInt8(ascii: " ") }
        let body = token.prefix { $0 != UInt8(ascii: "=") }
        guard !body.isEmpty, body.allSatisfy(isTokenCharacter), token.dropFirst(body.count).allSatisfy({ $0 == UInt8(ascii: "=") })
        else { return nil }
        return Substring(token)
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"): true
        default: false
        }
    }
}
