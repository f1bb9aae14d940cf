import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Who is admitted, from an allow directory: `clients/`, `workers/` and `operators/`, each
/// `*.key` file there one public key, its role the subdirectory and its name the file name.
/// Beside a key, `clients/` and `operators/` may hold `NAME.token` (a bearer token's
/// ``TokenDigest``) and `NAME.crt` (a client certificate, ``CertificateFile``) for the HTTP
/// API; all files of one `ROLE/NAME` are one ``Principal``.
public struct AllowList: Sendable, Equatable {
    /// Bounds what one load reads, whatever the directory holds: key, token and certificate files together.
    public static let maxKeyFiles = 10_000

    private var identities: [String: PeerIdentity]
    /// Token digests filed by their first 8 bytes (``TokenDigest/bucket``); the digest itself is
    /// compared in constant time.
    private var tokens: [UInt64: [ListedToken]] = [:]
    /// Certificates by their DER bytes. A certificate is public: looking it up needs no constant time.
    private var certificates: [[UInt8]: Principal] = [:]

    private struct ListedToken: Sendable, Equatable {
        var digest: TokenDigest
        var owner: Principal
    }

    public init(_ identities: [PeerIdentity] = []) {
        self.identities = Dictionary(identities.map { ($0.publicKey, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The identity admitted with `publicKey` (a `User-Id`); nil when the key is not listed.
    public func identity(ofKey publicKey: String) -> PeerIdentity? {
        identities[publicKey]
    }

    /// The principal whose `NAME.token` holds `digest`; nil when no token file does.
    public func owner(ofToken digest: TokenDigest) -> Principal? {
        tokens[digest.bucket]?.first { $0.digest == digest }?.owner
    }

    /// The principal whose `NAME.crt` is the certificate `der`; nil when none is.
    public func owner(ofCertificate der: [UInt8]) -> Principal? {
        certificates[der]
    }

    /// Whether any client certificate is listed: then the HTTP listener's TLS asks clients for one.
    public var listsCertificates: Bool { !certificates.isEmpty }

    /// Whether `publicKey` (nil: no key) is listed as an operator's: the one role the log bus
    /// and the notification feed admit.
    public func admitsOperator(_ publicKey: String?) -> Bool {
        publicKey.flatMap(identity(ofKey:))?.role == .operators
    }

    /// The number of keys listed.
    public var count: Int { identities.count }
    /// The number of token files listed.
    public var tokenCount: Int { tokens.values.reduce(0) { $0 + $1.count } }
    /// The number of certificate files listed.
    public var certificateCount: Int { certificates.count }

    /// This list with `identity` added, unless its key is listed already (the file wins).
    public func adding(_ identity: PeerIdentity) -> AllowList {
        var list = self
        if list.identities[identity.publicKey] == nil { list.identities[identity.publicKey] = identity }
        return list
    }

    /// Reads `directory`. A missing subdirectory admits no key of its role; any other error
    /// reading one fails the load (on SIGHUP the old list then stays, rather than a role's keys
    /// vanishing because of, say, EACCES). A key, token digest or certificate found in two files,
    /// a file that is not what its suffix says, a token or certificate under `workers/` (workers
    /// do not call the HTTP API), more than ``maxKeyFiles`` files, or a directory or file that
    /// group or others may write (who can write it can admit anyone: ssh's StrictModes) fail the
    /// load too. The dispatcher's own key (`serverPublicKey`) is admitted as
    /// `operators/dispatcher`, so it may be listed only as `operators/dispatcher.key`, and that
    /// file may hold no other key: either would give the status page's principal to another
    /// name or role. Returns the list and warnings (a secret key or token file left in the directory).
    public static func load(directory: String, serverPublicKey: String? = nil) throws(KeyFileError) -> (list: AllowList, warnings: [String]) {
        guard try isDirectory(directory) else {
            throw KeyFileError("allow directory \(directory) does not exist")
        }
        var byKey: [String: (identity: PeerIdentity, path: String)] = [:]
        var byToken: [UInt64: [(token: ListedToken, path: String)]] = [:]
        var byCertificate: [[UInt8]: (owner: Principal, path: String)] = [:]
        var warnings: [String] = []
        var files = 0
        for role in PeerRole.allCases {
            let roleDirectory = (directory as NSString).appendingPathComponent(role.rawValue)
            guard try isDirectory(roleDirectory) else { continue }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: roleDirectory)
            } catch {
                throw KeyFileError("cannot list \(roleDirectory): \(error.localizedDescription)")
            }
            for fileName in names.sorted() {
                let path = (roleDirectory as NSString).appendingPathComponent(fileName)
                if fileName.hasSuffix(CurveKeyFile.secretSuffix) || fileName.hasSuffix(TokenFile.secretSuffix) {
                    warnings.append("\(path) is a secret file: skipped (an allow directory holds public keys and token digests only; move it away)")
                    continue
                }
                guard let suffix = [CurveKeyFile.publicSuffix, TokenFile.suffix, CertificateFile.suffix].first(where: fileName.hasSuffix) else {
                    continue
                }
                files += 1
                guard files <= maxKeyFiles else {
                    throw KeyFileError("allow directory \(directory) has more than \(maxKeyFiles) key, token and certificate files")
                }
                let name = String(fileName.dropLast(suffix.count))
                guard CurveKeyFile.isValidName(name) else {
                    throw KeyFileError("\(path): name '\(name)' must be 1 to 64 letters, digits, '.', '_' or '-'")
                }
                guard suffix == CurveKeyFile.publicSuffix || role != .workers else {
                    throw KeyFileError("\(path): workers do not call the HTTP API; tokens and certificates belong in clients/ or operators/")
                }
                let owner = Principal(role: role, name: name)
                switch suffix {
                case TokenFile.suffix:
                    let (digest, mode) = try TokenFile.digest(of: path)
                    try requireOwnerWritable(path, mode: mode)
                    if let earlier = byToken[digest.bucket]?.first(where: { $0.token.digest == digest }) {
                        throw KeyFileError("the same token digest is in \(earlier.path) and \(path): a token has one principal")
                    }
                    byToken[digest.bucket, default: []].append((ListedToken(digest: digest, owner: owner), path))
                case CertificateFile.suffix:
                    let (der, mode) = try CertificateFile.der(of: path)
                    try requireOwnerWritable(path, mode: mode)
                    if let earlier = byCertificate[der] {
                        throw KeyFileError("the same certificate is in \(earlier.path) and \(path): a certificate has one principal")
                    }
                    byCertificate[der] = (owner, path)
                default:
                    let file = try CurveKeyFile.contents(of: path)
                    try requireOwnerWritable(path, mode: file.mode)
                    let lines = try CurveKeyFile.lines(in: file.data, path: path)
                    let key = try CurveKeyFile.key(in: lines, path: path)
                    let kinds = role == .workers ? try kindsLimit(in: lines.dropFirst(), path: path) : nil
                    if let earlier = byKey[key] {
                        throw KeyFileError("the same key is in \(earlier.path) and \(path): a key has one role and one name")
                    }
                    let identity = PeerIdentity(role: role, name: name, publicKey: key, kinds: kinds)
                    if let serverPublicKey { try requireServerKeyPlace(identity, serverPublicKey: serverPublicKey, path: path) }
                    byKey[key] = (identity, path)
                }
            }
        }
        var list = AllowList(byKey.values.map(\.identity))
        list.tokens = byToken.mapValues { $0.map(\.token) }
        list.certificates = byCertificate.mapValues(\.owner)
        return (list, warnings)
    }

    /// True for a directory at `path`, false when nothing is there; anything else that is
    /// not an owner-writable directory fails the load.
    private static func isDirectory(_ path: String) throws(KeyFileError) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return false }
            throw KeyFileError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw KeyFileError("\(path) is not a directory") }
        try requireOwnerWritable(path, mode: UInt32(status.st_mode))
        return true
    }

    private static func requireOwnerWritable(_ path: String, mode: UInt32) throws(KeyFileError) {
        guard mode & 0o022 == 0 else {
            throw KeyFileError("""
                \(path) may be written by group or others (mode \(String(mode & 0o777, radix: 8))), who could admit any key: \
                chmod go-w it
                """)
        }
    }

    /// The dispatcher's key belongs to `operators/dispatcher` alone, and that name to its key.
    private static func requireServerKeyPlace(_ identity: PeerIdentity, serverPublicKey: String, path: String) throws(KeyFileError) {
        let isServerName = identity.role == .operators && identity.name == "dispatcher"
        if identity.publicKey == serverPublicKey, !isServerName {
            throw KeyFileError("""
                \(path) holds the dispatcher's own key, which is admitted as operators/dispatcher only: \
                remove the file (a peer with that key would share the dispatcher's secret)
                """)
        }
        if isServerName, identity.publicKey != serverPublicKey {
            throw KeyFileError("""
                \(path) holds another key than the dispatcher's: operators/dispatcher names the dispatcher's own key \
                (the status page); rename the file
                """)
        }
    }

    /// The `kinds: a, b` line of a worker key file; nil when there is none (any kind).
    private static func kindsLimit(in lines: ArraySlice<Substring>, path: String) throws(KeyFileError) -> Set<String>? {
        var kinds: Set<String>?
        for line in lines {
            guard line.hasPrefix("kinds:") else {
                throw KeyFileError("\(path): unexpected line '\(line.prefix(60))' (only 'kinds: a, b' may follow the key)")
            }
            guard kinds == nil else { throw KeyFileError("\(path): more than one 'kinds:' line") }
            let listed = line.dropFirst("kinds:".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !listed.isEmpty, listed.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 64 }) else {
                throw KeyFileError("\(path): 'kinds:' needs a comma-separated list of kind names")
            }
            kinds = Set(listed)
        }
        return kinds
    }
}
