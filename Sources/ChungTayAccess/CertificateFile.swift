import Foundation

/// A client certificate listed in the allow directory as `clients/NAME.crt` or
/// `operators/NAME.crt`: one PEM certificate. A TLS client presenting exactly that certificate
/// (the same DER bytes, which is what pinning its SHA-256 would compare) is that principal; no
/// certificate authority is involved, so issuing and revoking is adding and removing files,
/// as for keys and tokens. The TLS handshake proves the client holds the certificate's private key.
public enum CertificateFile {
    public static let suffix = ".crt"
    /// A certificate is a few kilobytes; a file this big is not one.
    static let maxFileBytes = 64 * 1024
    private static let begin = "-----BEGIN CERTIFICATE-----"
    private static let end = "-----END CERTIFICATE-----"

    /// The DER bytes of the one certificate in the PEM file at `path`. A file with a private
    /// key in it fails (it has leaked to whoever reads the directory), and so does a chain:
    /// which of its certificates would be the client's is not for the loader to guess.
    static func der(of path: String) throws(KeyFileError) -> (der: [UInt8], mode: UInt32) {
        let file = try SecretFile.contents(of: path, maxBytes: maxFileBytes, what: "a certificate file")
        guard let text = String(validating: file.data, as: UTF8.self) else {
            throw KeyFileError("\(path) is not UTF-8 text: not a PEM certificate")
        }
        if text.contains("PRIVATE KEY-----") {
            throw KeyFileError("""
                \(path) holds a private key: remove it from the allow directory, which holds certificates only, \
                and replace the key, since whoever could read the directory has it
                """)
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.firstIndex(of: begin), let last = lines[first...].firstIndex(of: end) else {
            throw KeyFileError("\(path) holds no PEM certificate ('\(begin)' … '\(end)')")
        }
        guard !lines[(last + 1)...].contains(begin) else {
            throw KeyFileError("\(path) holds more than one certificate: list the client's own certificate only")
        }
        guard let der = Data(base64Encoded: lines[(first + 1)..<last].joined()), der.first == 0x30 else {
            throw KeyFileError("\(path): the PEM certificate's base64 does not decode to a DER certificate")
        }
        return (Array(der), file.mode)
    }
}
