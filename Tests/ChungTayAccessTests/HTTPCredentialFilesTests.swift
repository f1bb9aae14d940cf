import ChungTayAccess
import Foundation
import Logging
import Testing
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// The allow directory's files for the HTTP API: `NAME.token` (a token's digest) and
/// `NAME.crt` (a client certificate), read with the keys and naming the same principals.
@Suite struct HTTPCredentialFilesTests {
    private func randomDigest() -> TokenDigest {
        TokenDigest(sha256: (0..<32).map { _ in UInt8.random(in: 0...255) })!
    }

    /// A DER-shaped blob (a SEQUENCE tag first) in PEM armour: the loader pins bytes, it does not parse X.509.
    private func pem(_ der: [UInt8]) -> String {
        "-----BEGIN CERTIFICATE-----\n" + Data(der).base64EncodedString(options: .lineLength64Characters) + "\n-----END CERTIFICATE-----\n"
    }

    private func randomDER() -> [UInt8] { [0x30, 0x82] + (0..<300).map { _ in UInt8.random(in: 0...255) } }

    @Test func tokensAndCertificatesNameTheSamePrincipalsAsKeys() throws {
        let directory = try AllowDirectory()
        let key = try directory.add(.clients, "core-banking")
        let bankToken = randomDigest()
        try directory.write(.clients, "core-banking.token", "# issued for the loan service\n" + bankToken.line + "\n")
        let operatorCertificate = randomDER()
        try directory.write(.operators, "an.crt", pem(operatorCertificate))

        let (list, warnings) = try AllowList.load(directory: directory.path)
        #expect(warnings.isEmpty)
        #expect(list.identity(ofKey: key)?.principal == "clients/core-banking")
        #expect(list.owner(ofToken: bankToken) == Principal(role: .clients, name: "core-banking"))
        #expect(list.owner(ofToken: bankToken)?.description == list.identity(ofKey: key)?.principal)
        #expect(list.owner(ofCertificate: operatorCertificate)?.description == "operators/an")
        #expect(list.owner(ofCertificate: operatorCertificate)?.isOperator == true)
        #expect(list.owner(ofToken: randomDigest()) == nil)
        #expect(list.owner(ofCertificate: randomDER()) == nil)
        #expect(list.listsCertificates && list.tokenCount == 1 && list.certificateCount == 1 && list.count == 1)
        let empty = try AllowDirectory()
        #expect(try !AllowList.load(directory: empty.path).list.listsCertificates)
    }

    @Test func aDigestLineRoundTripsInEitherCaseAndNothingElseParses() throws {
        let digest = randomDigest()
        #expect(digest.line.count == "sha256:".count + 64)
        #expect(TokenDigest(line: digest.line[...]) == digest)
        #expect(TokenDigest(line: digest.line.uppercased().replacingOccurrences(of: "SHA256:", with: "sha256:")[...]) == digest)
        for broken in ["sha256:" + String(repeating: "a", count: 63), "sha256:" + String(repeating: "g", count: 64),
                       "sha512:" + String(repeating: "a", count: 64), String(repeating: "a", count: 64)] {
            #expect(TokenDigest(line: broken[...]) == nil, "\(broken)")
        }
        #expect(TokenDigest(sha256: [1, 2, 3]) == nil)
        var other = digest.bytes
        other[31] ^= 1
        #expect(TokenDigest(sha256: other) != digest)
    }

    /// Workers do not call the HTTP API: a token or certificate of theirs is a mistake said at load.
    @Test(arguments: ["w.token", "w.crt"])
    func aWorkersTokenOrCertificateFailsTheLoad(fileName: String) throws {
        let directory = try AllowDirectory()
        try directory.write(.workers, fileName, fileName.hasSuffix(".token") ? randomDigest().line + "\n" : pem(randomDER()))
        let error = #expect(throws: KeyFileError.self) { try AllowList.load(directory: directory.path) }
        #expect(error?.description.contains("workers do not call the HTTP API") == true)
    }

    @Test(arguments: [
        ("c.token", "ctk_the-token-itself\n", "if it holds the token itself"),
        ("c.token", "<DIGEST>\n<DIGEST>\n", "must hold one 'sha256:"),
        ("c.crt", "-----BEGIN PRIVATE KEY-----\nMC4=\n-----END PRIVATE KEY-----\n", "holds a private key"),
        ("c.crt", "<CERT>\n<CERT>", "more than one certificate"),
        ("c.crt", "not a certificate\n", "holds no PEM certificate"),
        ("c.crt", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "does not decode"),
    ])
    func aBrokenFileFailsTheLoadSayingWhy(fileName: String, text: String, reason: String) throws {
        let directory = try AllowDirectory()
        let contents = text.replacingOccurrences(of: "<DIGEST>", with: randomDigest().line).replacingOccurrences(of: "<CERT>", with: pem(randomDER()))
        try directory.write(.clients, fileName, contents)
        let error = #expect(throws: KeyFileError.self) { try AllowList.load(directory: directory.path) }
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
    }

    @Test func theSameTokenOrCertificateInTwoFilesFailsTheLoadNamingBoth() throws {
        let digest = randomDigest()
        let tokens = try AllowDirectory()
        try tokens.write(.clients, "one.token", digest.line + "\n")
        try tokens.write(.operators, "two.token", digest.line + "\n")
        let tokenError = #expect(throws: KeyFileError.self) { try AllowList.load(directory: tokens.path) }
        #expect(tokenError?.description.contains("clients/one.token") == true && tokenError?.description.contains("operators/two.token") == true)

        let certificate = pem(randomDER())
        let certificates = try AllowDirectory()
        try certificates.write(.clients, "one.crt", certificate)
        try certificates.write(.clients, "two.crt", certificate)
        let certificateError = #expect(throws: KeyFileError.self) { try AllowList.load(directory: certificates.path) }
        #expect(certificateError?.description.contains("a certificate has one principal") == true)
    }

    @Test func aTokenSecretLeftInTheDirectoryIsSkippedWithAWarning() throws {
        let directory = try AllowDirectory()
        try directory.write(.clients, "c.token_secret", "ctk_secret\n")
        let (list, warnings) = try AllowList.load(directory: directory.path)
        #expect(list.tokenCount == 0)
        #expect(warnings.count == 1 && warnings.first?.contains("c.token_secret") == true)
    }

    @Test func aGroupWritableTokenFileFailsTheLoad() throws {
        let directory = try AllowDirectory()
        try directory.write(.clients, "c.token", randomDigest().line + "\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o664], ofItemAtPath: directory.path + "/clients/c.token")
        let error = #expect(throws: KeyFileError.self) { try AllowList.load(directory: directory.path) }
        #expect(error?.description.contains("may be written by group or others") == true)
    }

    /// The token file is owner-only from its creation, the digest file is what the allow
    /// directory reads, and neither is ever overwritten.
    @Test func writingATokenMakesAnOwnerOnlySecretAndALoadableDigest() throws {
        let directory = try AllowDirectory()
        let digest = randomDigest()
        let secretPath = directory.path + "/svc.token_secret"
        let digestPath = directory.path + "/clients/svc.token"
        try FileManager.default.createDirectory(atPath: directory.path + "/clients", withIntermediateDirectories: true)
        try TokenFile.write(token: "ctk_example", digest: digest, secretPath: secretPath, digestPath: digestPath)

        var status = stat()
        #expect(stat(secretPath, &status) == 0 && status.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: secretPath, encoding: .utf8) == "ctk_example\n")
        #expect(try AllowList.load(directory: directory.path).list.owner(ofToken: digest)?.description == "clients/svc")
        let again = #expect(throws: KeyFileError.self) {
            try TokenFile.write(token: "ctk_other", digest: digest, secretPath: secretPath, digestPath: digestPath + "2")
        }
        #expect(again?.description.contains("exists already") == true)
    }

    /// SIGHUP's reload revokes a removed token at once, and admits a new certificate.
    @Test func aReloadRevokesARemovedTokenAndAdmitsANewCertificate() throws {
        let directory = try AllowDirectory()
        let digest = randomDigest()
        try directory.write(.clients, "c.token", digest.line + "\n")
        let access = try AccessControl(directory: directory.path, serverPublicKey: try CurveKeyPair.generate().publicKey, logger: Logger(label: "test"))
        #expect(access.list.owner(ofToken: digest) != nil)

        try FileManager.default.removeItem(atPath: directory.path + "/clients/c.token")
        let certificate = randomDER()
        try directory.write(.clients, "c.crt", pem(certificate))
        try access.reload()
        #expect(access.list.owner(ofToken: digest) == nil)
        #expect(access.list.owner(ofCertificate: certificate)?.description == "clients/c")
    }
}
