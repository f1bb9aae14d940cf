import Foundation

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

    public var count: Int { identities.count }

    /// This list with `identity` added, unless its key is listed already (the file wins).
    public func adding(_ identity: PeerIdentity) -> AllowList {
        var list = self
        if list.identities[identity.publicKey] == nil { list.identities[identity.publicKey] = identity }
        return list
    }

    /// Reads `directory`. A missing subdirectory admits no key of its role; a key found in
    /// two files, a file that is not a key, or more than ``maxKeyFiles`` files fail the load.
    /// Returns the list and warnings (a secret key file left in the directory).
    public static func load(directory: String) throws(KeyFileError) -> (list: AllowList, warnings: [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw KeyFileError("allow directory \(directory) does not exist or is not a directory")
        }
        var byKey: [String: (identity: PeerIdentity, path: String)] = [:]
        var warnings: [String] = []
        var files = 0
        for role in PeerRole.allCases {
            let roleDirectory = (directory as NSString).appendingPathComponent(role.rawValue)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: roleDirectory) else { continue }
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
                let lines = try CurveKeyFile.lines(of: path)
                let key = try CurveKeyFile.key(in: lines, path: path)
                let kinds = role == .workers ? try kindsLimit(in: lines.dropFirst(), path: path) : nil
                if let earlier = byKey[key] {
                    throw KeyFileError("the same key is in \(earlier.path) and \(path): a key has one role and one name")
                }
                byKey[key] = (PeerIdentity(role: role, name: name, publicKey: key, kinds: kinds), path)
            }
        }
        return (AllowList(byKey.values.map(\.identity)), warnings)
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
