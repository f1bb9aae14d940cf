#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChungTayCoding
public import Foundation

/// A copy of a data directory that a dispatcher can start on, taken while the source's
/// dispatcher runs (or while it is stopped): the state of one journal commit, as a crash
/// at that commit would have left it, minus the tails a crash leaves.
///
/// The order of the steps is what makes the copy consistent:
/// 1. Every segment file present is opened first. The running dispatcher deletes payload
///    segments that no queued job needs any more; a job queued in the journal copy may
///    need one deleted after the copy was taken, and an open descriptor still reads it.
/// 2. The delivery ledger is copied before the journal (SQLite's online backup), so it
///    never names an outbox row the journal copy lacks: after a restore those ids would be
///    given to other notifications, which would then count as delivered.
/// 3. The journal is copied with SQLite's online backup: one read transaction, so one
///    commit's state, however many commits the dispatcher makes meanwhile.
/// 4. Each segment that journal copy knows is copied up to the end it committed (bytes past
///    it belong to commits the copy lacks), a keys file up to its last entry inside that
///    end; payload segments no queued or dead job of the copy needs are left out.
/// 5. The audit trail is copied last, up to its last whole line: it may record work the
///    journal copy lacks (a restored dispatcher does that work again and records it
///    again), never the other way round.
///
/// Everything is written under `OUT.partial` and fsynced; renaming it to `OUT` is the
/// backup's commit point, so a backup killed part way never leaves a directory that
/// looks whole. `BACKUP.json` lists every file and its size, which `restore` checks.
public struct DataDirectoryBackup {
    public let source: DataDirectory
    /// The backup directory: it must not exist yet.
    public let destination: URL

    public static let manifestName = "BACKUP.json"

    public init(source: DataDirectory, destination: URL) {
        self.source = source
        self.destination = destination
    }

    /// What was copied: the manifest's figures.
    public struct Summary: Sendable, Equatable {
        /// Files in the backup (the manifest not counted) and their bytes.
        public var files: Int
        public var bytes: Int64
        /// Payload segments the journal copy no longer needs, left out.
        public var payloadSegmentsLeftOut: Int
    }

    public func run(now: Date = Date()) throws(StoreError) -> Summary {
        guard FileManager.default.fileExists(atPath: source.journalPath) else {
            throw StoreError("\(source.root.path) holds no journal.sqlite: not a dispatcher's data directory")
        }
        guard !FileManager.default.fileExists(atPath: destination.path) else {
            throw StoreError("\(destination.path) already exists: a backup goes to a new directory")
        }
        umask(0o077)
        let partial = URL(fileURLWithPath: destination.path + ".partial")
        if FileManager.default.fileExists(atPath: partial.path) {
            // A backup killed part way: nothing in it was ever whole.
            do { try FileManager.default.removeItem(at: partial) } catch {
                throw StoreError("cannot remove the unfinished backup \(partial.path): \(error)")
            }
        }
        let copy = DataDirectory(root: partial)
        try DataDirectory.makeDirectory(partial)
        let opened = try OpenSegments(source)
        defer { opened.closeAll() }
        var manifest = BackupManifest(takenAt: now, source: source.root.path)

        if FileManager.default.fileExists(atPath: source.deliveryLedgerPath) {
            try DurableDatabase.snapshot(path: source.deliveryLedgerPath, into: copy.deliveryLedgerPath)
            try manifest.add(copy.deliveryLedgerPath, as: "delivery.sqlite")
        }
        try DurableDatabase.snapshot(path: source.journalPath, into: copy.journalPath)
        try manifest.add(copy.journalPath, as: "journal.sqlite")

        let (needed, committed) = try Self.segmentsNeeded(by: copy)
        var leftOut = 0
        for (relativePath, end) in committed.sorted(by: { $0.key < $1.key }) {
            guard let store = opened.store(of: relativePath) else {
                throw StoreError("the journal names a segment \(relativePath) that is neither a result nor a payload segment")
            }
            if store.isPayload, !needed.contains(relativePath) {
                leftOut += 1
                continue
            }
            guard end > 0 else { continue }
            let name = store.directoryName + "/" + relativePath
            guard let descriptor = try opened.descriptor(name) else {
                throw StoreError("\(name) is gone, yet the journal copy needs its first \(end) bytes: the source directory is damaged (run `chungtay data check` on it)")
            }
            try DataDirectory.makeDirectory(partial.appendingPathComponent(name).deletingLastPathComponent())
            let target = partial.appendingPathComponent(name).path
            try FileCopy.copy(descriptor, length: end, named: name, to: target)
            try manifest.add(target, as: name)
            if !store.isPayload, let keys = try opened.descriptor(SegmentFiles.keysPath(name)) {
                let keysTarget = SegmentFiles.keysPath(target)
                try FileCopy.copyKeys(keys, inside: end, named: SegmentFiles.keysPath(name), to: keysTarget)
                try manifest.add(keysTarget, as: SegmentFiles.keysPath(name))
            }
        }

        let audit = AuditTrail.path(in: source)
        let auditDescriptor = open(audit, O_RDONLY | O_CLOEXEC)
        if auditDescriptor >= 0 {
            defer { close(auditDescriptor) }
            let target = AuditTrail.path(in: copy)
            try FileCopy.copy(auditDescriptor, length: try FileCopy.wholeLinesLength(auditDescriptor, named: "audit.jsonl"), named: "audit.jsonl", to: target)
            try manifest.add(target, as: "audit.jsonl")
        } else if errno != ENOENT {
            throw StoreError.errno("open", audit)
        }

        try Self.check(copy)
        try manifest.write(to: partial.appendingPathComponent(Self.manifestName).path)
        try FileCopy.syncTree(partial)
        try FileCopy.moveIntoPlace(partial, to: destination)
        return Summary(files: manifest.files.count, bytes: manifest.files.reduce(0) { $0 + $1.bytes }, payloadSegmentsLeftOut: leftOut)
    }

    /// The payload segments queued and dead jobs of the journal copy need, and the ends it
    /// committed; the copy is read only while this runs.
    private static func segmentsNeeded(by copy: DataDirectory) throws(StoreError) -> (Set<String>, [String: Int64]) {
        let journal = try JobJournal(readingOnly: copy.journalPath)
        return (try journal.payloadFilesInUse(), try journal.committedSegments())
    }

    /// Checks the copy as a dispatcher's start would. Reading the journal copy made SQLite's
    /// empty `-wal` and `-shm` files beside it; they are removed once it is closed, so the
    /// backup holds the files its manifest lists and nothing else.
    private static func check(_ copy: DataDirectory) throws(StoreError) {
        do {
            let problems = try DataDirectoryCheck(directory: copy, thorough: false).run(journal: try JobJournal(readingOnly: copy.journalPath))
            guard problems.isEmpty else {
                throw StoreError("the copy does not check clean, so it was not kept as a backup: "
                    + problems.map(\.description).joined(separator: "; "))
            }
        }
        var status = stat()
        let wal = copy.journalPath + "-wal"
        if stat(wal, &status) == 0, status.st_size == 0 {
            unlink(wal)
            unlink(copy.journalPath + "-shm")
        }
    }

    /// Descriptors of every segment and keys file present when the backup starts (step 1),
    /// by path relative to the data directory (`store/KIND/…`, `payloads/jobs/…`).
    private final class OpenSegments {
        struct Store {
            let files: SegmentFiles
            let directoryName: String
            let isPayload: Bool
        }

        let stores: [Store]
        private var descriptors: [String: Int32] = [:]
        private let root: URL

        init(_ directory: DataDirectory) throws(StoreError) {
            root = directory.root
            stores = [
                Store(files: SegmentFiles.results(of: directory), directoryName: "store", isPayload: false),
                Store(files: SegmentFiles(root: directory.payloadRoot, fileExtension: "bin"), directoryName: "payloads", isPayload: true),
            ]
            for store in stores {
                for kind in store.files.kinds() {
                    for relativePath in store.files.relativePaths(kind: kind) {
                        let name = store.directoryName + "/" + relativePath
                        for path in [name, SegmentFiles.keysPath(name)] {
                            let descriptor = open(root.appendingPathComponent(path).path, O_RDONLY | O_CLOEXEC)
                            if descriptor >= 0 {
                                descriptors[path] = descriptor
                            } else if errno != ENOENT {
                                throw StoreError.errno("open", path)
                            }
                        }
                    }
                }
            }
        }

        /// The store a journal segment path belongs to, by the file name its files spell.
        func store(of relativePath: String) -> Store? {
            let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
            return stores.first { $0.files.index(ofName: name) != nil }
        }

        /// The descriptor opened at the start, else one opened now (a segment made since,
        /// which nothing deletes before the journal copy stops needing it); nil if none exists.
        func descriptor(_ path: String) throws(StoreError) -> Int32? {
            if let descriptor = descriptors[path] { return descriptor }
            let descriptor = open(root.appendingPathComponent(path).path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                if errno == ENOENT { return nil }
                throw StoreError.errno("open", path)
            }
            descriptors[path] = descriptor
            return descriptor
        }

        func closeAll() {
            for descriptor in descriptors.values { close(descriptor) }
            descriptors.removeAll()
        }
    }
}
