#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation

/// Puts a backup (`DataDirectoryBackup`) in place as a data directory a dispatcher can
/// start on, leaving the backup itself untouched so it can be restored again.
///
/// Every file the manifest lists must be there with its size before anything is copied;
/// the copy is checked (SQLite's `quick_check` of both databases, then `DataDirectoryCheck`
/// thoroughly) under `DIR.partial`, and only a clean one is renamed to `DIR`. `DIR` must not
/// exist or be empty (one a service manager made: the restored files then get its owner):
/// a restore never mixes a backup with what a directory already holds.
///
/// The outbox's id sequence is moved past any id the lost dispatcher may have handed out
/// after the backup: the feed's subscribers tell a new notification from a resend by its
/// id alone, and an SMS gateway sees it in the message reference. Ids continue from the
/// restore's time in seconds × 2^20 (a dispatcher emits far fewer than 2^20 notifications a
/// second, so a second restore of the same backup starts past the first one's ids too, and
/// the ids stay below 2^53, exact as JSON numbers).
public struct DataDirectoryRestore {
    public let backup: URL
    public let destination: DataDirectory

    public init(backup: URL, destination: DataDirectory) {
        self.backup = backup
        self.destination = destination
    }

    public func run(now: Date = Date()) throws(StoreError) -> BackupManifest {
        let manifest = try BackupManifest.read(from: backup.appendingPathComponent(DataDirectoryBackup.manifestName).path)
        let target = destination.root
        var owner: (uid: uid_t, gid: gid_t)?
        var status = stat()
        if lstat(target.path, &status) == 0 {
            let entries: [String]
            do { entries = try FileManager.default.contentsOfDirectory(atPath: target.path) } catch {
                throw StoreError("\(target.path) exists and cannot be listed as a directory: \(error)")
            }
            guard status.st_mode & S_IFMT == S_IFDIR, entries.isEmpty else {
                throw StoreError("\(target.path) is not an empty directory: a restore goes to a new or empty one")
            }
            owner = (status.st_uid, status.st_gid)
        }
        var sources: [(file: BackupManifest.File, descriptor: Int32)] = []
        defer { for source in sources { close(source.descriptor) } }
        for file in manifest.files {
            let path = backup.appendingPathComponent(file.path).path
            let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard descriptor >= 0 else { throw StoreError.errno("open", path) }
            sources.append((file, descriptor))
            guard fstat(descriptor, &status) == 0 else { throw StoreError.errno("stat", path) }
            guard Int64(status.st_size) == file.bytes else {
                throw StoreError("\(path) holds \(status.st_size) bytes, the manifest says \(file.bytes): the backup is incomplete or damaged")
            }
        }
        let partial = URL(fileURLWithPath: target.path + ".partial")
        try FileCopy.makeNewDirectory(partial, purpose: "restore")
        do throws(StoreError) {
            for (file, descriptor) in sources {
                let path = partial.appendingPathComponent(file.path)
                try DataDirectory.makeDirectory(path.deletingLastPathComponent())
                try FileCopy.copy(descriptor, length: file.bytes, named: file.path, to: path.path)
            }
            let copy = DataDirectory(root: partial)
            for database in [copy.journalPath, copy.deliveryLedgerPath] where FileManager.default.fileExists(atPath: database) {
                try DurableDatabase.quickCheck(path: database)
            }
            try Self.moveOutboxIds(of: copy, pastIdsBefore: now)
            do {
                let problems = try DataDirectoryCheck(directory: copy, thorough: true).run(journal: try JobJournal(readingOnly: copy.journalPath))
                guard problems.isEmpty else {
                    throw StoreError("the restored copy does not check clean: " + problems.map(\.description).joined(separator: "; "))
                }
            }
            DurableDatabase.removeReaderFiles(of: copy.journalPath)
            if let owner, geteuid() == 0, owner.uid != 0 || owner.gid != 0 { try Self.give(partial, to: owner) }
            try FileCopy.syncTree(partial)
            try FileCopy.moveIntoPlace(partial, to: target)
        } catch {
            // Our own directory (made above): a failed restore leaves no copy of personal data.
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        return manifest
    }

    /// The outbox's ids continue from `now` in seconds × 2^20 at least (see above).
    static func moveOutboxIds(of copy: DataDirectory, pastIdsBefore now: Date) throws(StoreError) {
        let seconds = Int64(max(0, min(now.timeIntervalSince1970.rounded(.down), Double(Int64.max >> 21))))
        try JobJournal(path: copy.journalPath).raiseOutboxIds(toAtLeast: seconds << 20)
    }

    /// Gives every file of the restored tree to the owner of the empty directory it replaces
    /// (a restore run as root for a dispatcher that runs as its own user).
    private static func give(_ root: URL, to owner: (uid: uid_t, gid: gid_t)) throws(StoreError) {
        var paths = [root.path]
        if let walker = FileManager.default.enumerator(atPath: root.path) {
            for case let relative as String in walker { paths.append(root.appendingPathComponent(relative).path) }
        }
        for path in paths {
            guard lchown(path, owner.uid, owner.gid) == 0 else { throw StoreError.errno("chown", path) }
        }
    }
}
