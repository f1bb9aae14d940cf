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
/// 1. Every payload segment present is opened first. The running dispatcher deletes
///    payload segments that no queued job needs any more; a job queued in the journal copy
///    may need one deleted after the copy was taken, and an open descriptor still reads it.
///    (Those made between this step and the journal copy are opened right after it; one
///    deleted even in that moment makes the backup start again, at most three times.)
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
/// Everything is written under `OUT.partial`, made new (an existing one is refused: another
/// backup may be writing it) and removed if the backup fails; every file and directory is
/// fsynced, and renaming it to `OUT` is the backup's commit point, so a backup killed part
/// way never leaves a directory that looks whole. `BACKUP.json` lists every file and its
/// size, which `restore` checks.
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
        let partial = URL(fileURLWithPath: destination.path + ".partial")
        try FileCopy.makeNewDirectory(partial, purpose: "backup")
        do throws(StoreError) {
            var attempt = 1
            while true {
                switch try copy(into: partial, now: now) {
                case .copied(let summary):
                    try FileCopy.moveIntoPlace(partial, to: destination)
                    return summary
                case .segmentVanished where attempt < 3:
                    // Collected between the start and the journal copy: take a newer copy.
                    attempt += 1
                    try FileCopy.emptyDirectory(partial)
                case .segmentVanished(let name):
                    throw StoreError("\(name), which the journal copy needs, was deleted during each of 3 attempts; try again")
                }
            }
        } catch {
            // Our own directory (made above, so no one else's): a failed backup leaves no copy of personal data.
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    private enum Attempt {
        case copied(Summary)
        /// A payload segment the journal copy needs is gone: collected by the dispatcher
        /// after the journal copy was taken, before it could be opened.
        case segmentVanished(String)
    }

    private func copy(into partial: URL, now: Date) throws(StoreError) -> Attempt {
        let copy = DataDirectory(root: partial)
        let payloads = OpenPayloadSegments(source)
        defer { payloads.closeAll() }
        try payloads.openPresent()
        var manifest = BackupManifest(takenAt: now, source: source.root.path)

        if FileManager.default.fileExists(atPath: source.deliveryLedgerPath) {
            try DurableDatabase.snapshot(path: source.deliveryLedgerPath, into: copy.deliveryLedgerPath)
            try manifest.add(copy.deliveryLedgerPath, as: "delivery.sqlite")
        }
        try DurableDatabase.snapshot(path: source.journalPath, into: copy.journalPath)
        try manifest.add(copy.journalPath, as: "journal.sqlite")
        // Segments made since the start: open them before the dispatcher can collect them.
        try payloads.openPresent()

        let (needed, committed) = try Self.segmentsNeeded(by: copy)
        let results = SegmentFiles.results(of: source)
        let newestPayload = committed.keys.compactMap { payloads.files.index(ofRelativePath: $0) }.max()
        var leftOut = 0
        for (relativePath, end) in committed.sorted(by: { $0.key < $1.key }) {
            let name: String
            let descriptor: Int32?
            if let index = payloads.files.index(ofRelativePath: relativePath) {
                // The newest is kept even when no job needs it: a dispatcher appends to the
                // newest file there is, and would start an older index again at offset 0.
                let isNeeded = needed.contains(relativePath)
                guard isNeeded || index == newestPayload else {
                    leftOut += 1
                    continue
                }
                guard end > 0 else { continue }
                name = "payloads/" + relativePath
                descriptor = payloads.descriptors[relativePath]
                if descriptor == nil {
                    if isNeeded { return .segmentVanished(name) }
                    // The newest, which no job needs, is already gone from the source (a
                    // directory restored from an older backup): there is nothing to keep.
                    continue
                }
            } else if results.index(ofRelativePath: relativePath) != nil {
                guard end > 0 else { continue }
                name = "store/" + relativePath
                descriptor = try Self.openIfPresent(source.root.appendingPathComponent(name).path)
            } else {
                throw StoreError("the journal names a segment \(relativePath), which is neither a result nor a payload segment's name")
            }
            guard let descriptor else {
                throw StoreError("\(name) is missing, yet the journal copy committed \(end) bytes of it: the source directory is damaged (run `chungtay data check` on it)")
            }
            defer { if !name.hasPrefix("payloads/") { close(descriptor) } }
            let target = partial.appendingPathComponent(name)
            try DataDirectory.makeDirectory(target.deletingLastPathComponent())
            try FileCopy.copy(descriptor, length: end, named: name, to: target.path)
            try manifest.add(target.path, as: name)
            if name.hasPrefix("store/"), let keys = try Self.openIfPresent(SegmentFiles.keysPath(source.root.appendingPathComponent(name).path)) {
                defer { close(keys) }
                try FileCopy.copyKeys(keys, inside: end, named: SegmentFiles.keysPath(name), to: SegmentFiles.keysPath(target.path))
                try manifest.add(SegmentFiles.keysPath(target.path), as: SegmentFiles.keysPath(name))
            }
        }

        if let audit = try Self.openIfPresent(AuditTrail.path(in: source)) {
            defer { close(audit) }
            let target = AuditTrail.path(in: copy)
            try FileCopy.copy(audit, length: try FileCopy.wholeLinesLength(audit, named: "audit.jsonl"), named: "audit.jsonl", to: target)
            try manifest.add(target, as: "audit.jsonl")
        }

        try Self.check(copy)
        try manifest.write(to: partial.appendingPathComponent(Self.manifestName).path)
        try FileCopy.syncTree(partial)
        return .copied(Summary(files: manifest.files.count, bytes: manifest.files.reduce(0) { $0 + $1.bytes }, payloadSegmentsLeftOut: leftOut))
    }

    /// Opens a file to read; nil when it does not exist.
    private static func openIfPresent(_ path: String) throws(StoreError) -> Int32? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw StoreError.errno("open", path)
        }
        return descriptor
    }

    /// The payload segments queued and dead jobs of the journal copy need, and the ends it
    /// committed; the copy is read only while this runs, and only once its rows are known to
    /// be of the types the code reads (a damaged source journal is reported, not trapped on).
    private static func segmentsNeeded(by copy: DataDirectory) throws(StoreError) -> (Set<String>, [String: Int64]) {
        let journal = try JobJournal(readingOnly: copy.journalPath)
        let unreadable = try journal.unreadableRows()
        guard unreadable.isEmpty else {
            throw StoreError("the journal has rows it cannot read, so it cannot be backed up: "
                + unreadable.map(\.description).joined(separator: "; "))
        }
        return (try journal.payloadFilesInUse(), try journal.committedSegments())
    }

    /// Checks the copy as a dispatcher's start would.
    private static func check(_ copy: DataDirectory) throws(StoreError) {
        do {
            let problems = try DataDirectoryCheck(directory: copy, thorough: false).run(journal: try JobJournal(readingOnly: copy.journalPath))
            guard problems.isEmpty else {
                throw StoreError("the copy does not check clean, so it was not kept as a backup: "
                    + problems.map(\.description).joined(separator: "; "))
            }
        }
        DurableDatabase.removeReaderFiles(of: copy.journalPath)
    }

    /// Descriptors of the payload segments (`jobs/segment-NNNNNN.bin`), opened before the
    /// dispatcher can collect them: the only segments it ever deletes.
    private final class OpenPayloadSegments {
        let files: SegmentFiles
        private(set) var descriptors: [String: Int32] = [:]

        init(_ directory: DataDirectory) {
            files = SegmentFiles(root: directory.payloadRoot, fileExtension: "bin")
        }

        /// Opens every payload segment present that is not open yet.
        func openPresent() throws(StoreError) {
            for kind in files.kinds() {
                for relativePath in files.relativePaths(kind: kind) where descriptors[relativePath] == nil {
                    let descriptor = open(files.path(relativePath), O_RDONLY | O_CLOEXEC)
                    if descriptor >= 0 {
                        descriptors[relativePath] = descriptor
                    } else if errno != ENOENT {
                        throw StoreError.errno("open", files.path(relativePath))
                    }
                }
            }
        }

        func closeAll() {
            for descriptor in descriptors.values { close(descriptor) }
            descriptors.removeAll()
        }
    }
}
