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
/// the copy is checked against its journal (`DataDirectoryCheck`, thoroughly) under
/// `DIR.partial`, and only a clean one is renamed to `DIR`. `DIR` must not exist or be
/// empty: a restore never mixes a backup with what a directory already holds.
public struct DataDirectoryRestore {
    public let backup: URL
    public let destination: DataDirectory

    public init(backup: URL, destination: DataDirectory) {
        self.backup = backup
        self.destination = destination
    }

    public func run() throws(StoreError) -> BackupManifest {
        let manifest = try BackupManifest.read(from: backup.appendingPathComponent(DataDirectoryBackup.manifestName).path)
        let target = destination.root
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? ["?"]
            guard isDirectory.boolValue, entries.isEmpty else {
                throw StoreError("\(target.path) is not an empty directory: a restore goes to a new or empty one")
            }
        }
        var sources: [(file: BackupManifest.File, descriptor: Int32)] = []
        defer { for source in sources { close(source.descriptor) } }
        for file in manifest.files {
            let path = backup.appendingPathComponent(file.path).path
            let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard descriptor >= 0 else { throw StoreError.errno("open", path) }
            sources.append((file, descriptor))
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { throw StoreError.errno("stat", path) }
            guard Int64(status.st_size) == file.bytes else {
                throw StoreError("\(path) holds \(status.st_size) bytes, the manifest says \(file.bytes): the backup is incomplete or damaged")
            }
        }
        umask(0o077)
        let partial = URL(fileURLWithPath: target.path + ".partial")
        if FileManager.default.fileExists(atPath: partial.path) {
            do { try FileManager.default.removeItem(at: partial) } catch {
                throw StoreError("cannot remove the unfinished restore \(partial.path): \(error)")
            }
        }
        try DataDirectory.makeDirectory(partial)
        for (file, descriptor) in sources {
            let path = partial.appendingPathComponent(file.path)
            try DataDirectory.makeDirectory(path.deletingLastPathComponent())
            try FileCopy.copy(descriptor, length: file.bytes, named: file.path, to: path.path)
        }
        let copy = DataDirectory(root: partial)
        let problems = try DataDirectoryCheck(directory: copy, thorough: true).run(journal: try JobJournal(readingOnly: copy.journalPath))
        guard problems.isEmpty else {
            throw StoreError("the restored copy in \(partial.path) does not check clean: " + problems.map(\.description).joined(separator: "; "))
        }
        try FileCopy.syncTree(partial)
        try FileCopy.moveIntoPlace(partial, to: target)
        return manifest
    }
}
