public import ChungTayAccess
public import HummingbirdTLS
import NIOSSL

/// The HTTP listener's TLS (`--http-tls-certificate`, `--http-tls-key`): the server's
/// certificate chain and key from PEM files, TLS 1.2 at least.
///
/// When the allow directory lists client certificates the server asks for one, without
/// requiring it (a token may be used instead) and without judging it: any certificate passes
/// the handshake, which still proves the client holds its private key, and
/// ``HTTPCredentials`` then accepts only a listed one, answering anything else with a 401
/// problem document rather than a handshake alert a client cannot explain. Whether to ask is
/// decided at start: a first `.crt` added to the directory later is asked for after a restart.
public enum HTTPTLSConfiguration {
    /// A chain of a few certificates is a few kilobytes; a key less.
    static let maxChainBytes = 1 << 20
    static let maxKeyBytes = 64 * 1024

    /// The configuration for Hummingbird's `.tls(.http1(), configuration:)`. The key file must be
    /// readable by its owner only, as the CURVE secret; a key that does not match the chain's first
    /// certificate fails here rather than at the first handshake.
    public static func channelConfiguration(
        certificatePath: String, keyPath: String, requestClientCertificates: Bool
    ) throws(KeyFileError) -> TLSChannelConfiguration {
        let chainFile = try SecretFile.contents(of: certificatePath, maxBytes: maxChainBytes, what: "a PEM certificate chain")
        let keyFile = try SecretFile.contents(of: keyPath, maxBytes: maxKeyBytes, what: "a PEM private key")
        try SecretFile.requireOwnerOnly(keyFile, path: keyPath, replace: "the key and its certificate")
        var configuration: TLSConfiguration
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(chainFile.data)
            guard !chain.isEmpty else { throw KeyFileError("\(certificatePath) holds no PEM certificate") }
            let key = try NIOSSLPrivateKey(bytes: keyFile.data, format: .pem)
            configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            if requestClientCertificates { configuration.certificateVerification = .optionalVerification }
            _ = try NIOSSLContext(configuration: configuration)
        } catch let error as KeyFileError {
            throw error
        } catch {
            throw KeyFileError("cannot use \(certificatePath) with \(keyPath) for TLS: \(error)")
        }
        guard requestClientCertificates else { return TLSChannelConfiguration(tlsConfiguration: configuration) }
        return TLSChannelConfiguration(tlsConfiguration: configuration) { _, promise in promise.succeed(.certificateVerified) }
    }
}
