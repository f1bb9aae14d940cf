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
    /// The notifications' delivery states and feed cursors (`DeliveryLedger`), apart from the
    /// journal so that delivery never waits for, nor holds up, the dispatcher's commits.
    public var deliveryLedgerPath: String { root.appendingPathComponent("delivery.sqlite").path }
    public var storeRoot: URL { root.appendingPathComponent("store", isDirectory: true) }
    /// Job payloads, kept out of the journal's B-tree (see `JobJournal`).
    public var payloadRoot: URL { root.appendingPathComponent("payloads", isDirectory: true) }

    public init(root: URL) {
        self.root = root
    }

    /// Payload segments' one directory under `payloads/`.
    public static let payloadKind = "jobs"

    /// Creates the directory tree (mode 0700), restricts the umask to 077 and takes the
    /// directory's exclusive lock, held until the process exits.
    ///
    /// The lock comes before anything is opened: a second dispatcher on the same directory
    /// would otherwise cut the live one's uncommitted store tails at open.
    public func prepare() throws(StoreError) {
        umask(0o077)
        try Self.makeDirectory(root)
        try Self.makeDirectory(storeRoot)
        guard try lock() else {
            throw StoreError("\(root.path) is in use by another dispatcher (lock \(lockPath) is held)")
        }
    }

    public var lockPath: String { root.appendingPathComponent("lock").path }

    /// Takes the directory's exclusive lock, held until the process exits; false when
    /// another process (a running dispatcher) holds it. `chungtay data check` takes it too,
    /// so no dispatcher starts (and cuts tails) while a directory is checked or repaired.
    public func lock() throws(StoreError) -> Bool {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError.errno("open", lockPath) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return false
        }
        return true
    }

    /// Creates `url` and any missing parents, mode 0700. A new directory's entry is
    /// durable only once its parent is fsynced: without that, a crash could lose
    /// `store/KIND/` with every segment fsynced inside it. An existing `url`'s parent is
    /// fsynced too (a process may have made it and died before that sync); it is made at
    /// start, at a segment's opening and per copied file, so the cost is a few fsyncs.
    static func makeDirectory(_ url: URL) throws(StoreError) {
        var missing: [URL] = []
        var current = url.standardizedFileURL
        var status = stat()
        while stat(current.path, &status) != 0 {
            guard errno == ENOENT else { throw StoreError.errno("stat", current.path) }
            missing.append(current)
            let parent = current.deletingLastPathComponent()
            guard parent.path != current.path else { break }
            current = parent
        }
        for directory in missing.reversed() {
            guard mkdir(directory.path, 0o700) == 0 || errno == EEXIST else { throw StoreError.errno("mkdir", directory.path) }
            try syncDirectory(directory.deletingLastPathComponent())
        }
        // Not where this process may not read the parent (a data directory's own parent that
        // the system made): there it made nothing either.
        let parent = url.standardizedFileURL.deletingLastPathComponent()
        if missing.isEmpty, access(parent.path, R_OK) == 0 { try syncDirectory(parent) }
    }

    /// A new or removed entry of a directory is durable only once the directory itself is fsynced.
    static func syncDirectory(_ directory: URL) throws(StoreError) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.errno("open", directory.path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StoreError.errno("fsync", directory.path) }
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
