import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The admitted public keys of an allow directory: `clients/`, `workers/` and `operators/`,
/// each `*.key` file there one key, its role the subdirectory and its name the file name.
public struct AllowList: Sendable, Equatable {
    /// Bounds what one load reads, whatever the directory holds.
    public static let maxKeyFiles = 10_000

    private var identities: [String: PeerIdentity]

    public init(_ identities: [PeerIdentity] = []) {
        self.identities = Dictionary(identities.map { ($0.publicKey, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The identity admitted with `publicKey` (a `User-Id`); nil when the key is not listed.
    public func identity(ofKey publicKey: String) -> PeerIdentity? {
        identities[publicKey]
    }

    /// Whether `publicKey` (nil: no key) is listed as an operator's: the one role the log bus
    /// and the notification feed admit.
    public func admitsOperator(_ publicKey: String?) -> Bool {
        publicKey.flatMap(identity(ofKey:))?.role == .operators
    }

    public var count: Int { identities.count }

    /// This list with `identity` added, unless its key is listed already (the file wins).
    public func adding(_ identity: PeerIdentity) -> AllowList {
        var list = self
        if list.identities[identity.publicKey] == nil { list.identities[identity.publicKey] = identity }
        return list
    }

    /// Reads `directory`. A missing subdirectory admits no key of its role; any other error
    /// reading one fails the load (on SIGHUP the old list then stays, rather than a role's keys
    /// vanishing because of, say, EACCES). A key found in two files, a file that is not a key,
    /// more than ``maxKeyFiles`` files, or a directory or key file that group or others may write
    /// (who can write it can admit any key: ssh's StrictModes) fail the load too. The
    /// dispatcher's own key (`serverPublicKey`) is admitted as `operators/dispatcher`, so it may
    /// be listed only as `operators/dispatcher.key`, and that file may hold no other key: either
    /// would give the status page's principal to another name or role.
    /// Returns the list and warnings (a secret key file left in the directory).
    public static func load(directory: String, serverPublicKey: String? = nil) throws(KeyFileError) -> (list: AllowList, warnings: [String]) {
        guard try isDirectory(directory) else {
            throw KeyFileError("allow directory \(directory) does not exist")
        }
        var byKey: [String: (identity: PeerIdentity, path: String)] = [:]
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
                if fileName.hasSuffix(CurveKeyFile.secretSuffix) {
                    warnings.append("\(path) is a secret key file: skipped (an allow directory holds public keys only; move it away)")
                    continue
                }
                guard fileName.hasSuffix(CurveKeyFile.publicSuffix) else { continue }
                files += 1
                guard files <= maxKeyFiles else {
                    throw KeyFileError("allow directory \(directory) has more than \(maxKeyFiles) key files")
                }
                let name = String(fileName.dropLast(CurveKeyFile.publicSuffix.count))
                guard CurveKeyFile.isValidName(name) else {
                    throw KeyFileError("\(path): key name '\(name)' must be 1 to 64 letters, digits, '.', '_' or '-'")
                }
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
        return (AllowList(byKey.values.map(\.identity)), warnings)
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
        try requireOwnerWritable(path, mode: status.st_mode)
        return true
    }

    private static func requireOwnerWritable(_ path: String, mode: mode_t) throws(KeyFileError) {
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
