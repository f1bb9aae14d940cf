#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation

/// The dispatcher's data directory: `journal.sqlite` (the durable queue) and `store/KIND/*.jsonl`.
///
/// Household records are personal data (RULES.md section 5): everything under the
/// directory is created readable by the service account only. The process umask is
/// narrowed before anything is created, so SQLite's own `-wal` and `-shm` files are
/// covered too, not only the files this module opens itself.
public struct DataDirectory: Sendable {
    public let root: URL

    public var journalPath: String { root.appendingPathComponent("journal.sqlite").path }
    public var storeRoot: URL { root.appendingPathComponent("store", isDirectory: true) }
    /// Job payloads, kept out of the journal's B-tree (see `JobJournal`).
    public var payloadRoot: URL { root.appendingPathComponent("payloads", isDirectory: true) }

    public init(root: URL) {
        self.root = root
    }

    /// Creates the directory tree (mode 0700), restricts the umask to 077 and takes the
    /// directory's exclusive lock, held until the process exits.
    ///
    /// The lock comes before anything is opened: a second dispatcher on the same directory
    /// would otherwise cut the live one's uncommitted store tails at open.
    public func prepare() throws(StoreError) {
        umask(0o077)
        try Self.makeDirectory(root)
        try Self.makeDirectory(storeRoot)
        let lockPath = root.appendingPathComponent("lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError.errno("open", lockPath) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StoreError("\(root.path) is in use by another dispatcher (lock \(lockPath) is held)")
        }
    }

    static func makeDirectory(_ url: URL) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError("cannot create directory \(url.path): \(error)")
        }
    }
}

/// A storage failure. The dispatcher treats it as fatal for the operation at hand and
/// replies `storage` to the client rather than acknowledging anything.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    static func errno(_ operation: String, _ path: String) -> StoreError {
        let code = Foundation.errno
        return StoreError("\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))")
    }
}
