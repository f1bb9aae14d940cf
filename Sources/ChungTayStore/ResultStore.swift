#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import ChungTayWire
public import Foundation

/// The JSON stores: one directory per kind under `store/`, holding JSON Lines segment files.
///
/// Exactly one document per task, and no torn line, come from one rule: the job journal
/// records how far each segment is committed, and bytes past that point belong to no
/// completed job. Appends are gathered per segment up to ``writeBufferLimit`` bytes and
/// written in one call (so a turn's results are never held in memory all at once, and a
/// turn of a thousand small documents costs a few writes, not a thousand: under the echo
/// benchmark a write per document was 12% of the dispatcher's time), then fsynced before
/// the journal commit that names them; at
/// open, anything past the committed end (a batch whose journal commit never happened,
/// or a torn write) is cut off, and those jobs run again. Readers (`SegmentReader`)
/// read only up to the committed ends, so a write under way is never seen.
///
/// Not thread-safe: owned by the dispatcher's loop thread.
public final class ResultStore {
    /// A segment rolls over to a new file past this size, so no file grows without bound.
    public let segmentLimit: Int64
    private let root: URL
    /// Written after each document: a newline for JSON Lines; nothing for opaque blobs.
    private let terminator: [UInt8]
    private let files: SegmentFiles
    private var segments: [String: Segment] = [:]
    /// Committed end of every segment file, as the journal knows it.
    private var committed: [String: Int64]
    /// How many segments `sync` has closed as full since the store opened.
    public private(set) var rollovers = 0
    /// Records a segment in the journal (committed end 0) before its file is created. At
    /// start a non-empty segment the journal does not know is then never an unfinished
    /// append but data the journal cannot account for (a restored or older journal), and
    /// the dispatcher refuses to start instead of cutting it to nothing.
    public var registerSegment: ((String) throws(StoreError) -> Void)?

    private struct Segment {
        var index: Int
        var relativePath: String
        var descriptor: Int32
        /// End of the file including unsynced and still buffered appends.
        var end: Int64
        /// Appends not written to the file yet; they end at `end`.
        var buffered: [UInt8] = []
        /// Written since the last fsync.
        var dirty = false
        /// A failed write could not be cut back, or lost buffered appends whose locations were
        /// already given out: the segment refuses to sync until a rollback.
        var damaged = false
        /// Key entries (`DocumentKey.entrySize` bytes each) not yet written to the keys file.
        var pendingKeys: [UInt8] = []
        /// The keys file, opened on the first keyed append.
        var keysDescriptor: Int32 = -1
        /// Length of the keys file once its entries are committed with the segment.
        var keysCommitted: Int64 = 0
        var keysEnd: Int64 = 0
    }

    /// Opens the store, cutting every segment back to its committed end and its keys file
    /// to the entries of committed documents; refuses (throws) when the files and
    /// `committed` disagree in a way no crash explains (`SegmentInspection`).
    public convenience init(directory: DataDirectory, committed: [String: Int64], segmentLimit: Int64 = 256 << 20) throws(StoreError) {
        try self.init(root: directory.storeRoot, committed: committed, segmentLimit: segmentLimit)
    }

    /// A store of opaque blobs under `root` (no line terminator, `.bin` files), such as
    /// job payloads: the same committed-offset rules, without the JSON Lines shape.
    public static func blobs(root: URL, committed: [String: Int64]) throws(StoreError) -> ResultStore {
        try ResultStore(root: root, committed: committed, segmentLimit: 256 << 20, terminator: [], fileExtension: "bin")
    }

    init(
        root: URL, committed: [String: Int64], segmentLimit: Int64, terminator: [UInt8] = [UInt8(ascii: "\n")],
        fileExtension: String = "jsonl"
    ) throws(StoreError) {
        self.root = root
        self.committed = committed
        self.segmentLimit = segmentLimit
        self.terminator = terminator
        self.files = SegmentFiles(root: root, fileExtension: fileExtension)
        try DataDirectory.makeDirectory(root)
        let inspection = SegmentInspection(root: root, fileExtension: fileExtension, committed: committed, segmentsMayBeCollected: terminator.isEmpty)
        for problem in try inspection.problems(readsDocuments: false) {
            guard let repair = problem.repair, !problem.blocksStart else { throw StoreError(problem.description) }
            try repair.apply()
        }
    }

    deinit {
        for segment in segments.values {
            if segment.descriptor >= 0 { close(segment.descriptor) }
            if segment.keysDescriptor >= 0 { close(segment.keysDescriptor) }
        }
    }

    /// Writes a task's documents as lines of the kind's current segment (not yet fsynced)
    /// and says where they are.
    ///
    /// `keys` (empty, or one per document; an empty key indexes nothing) go to the
    /// segment's keys file, so `locations(key:)` finds the documents without a scan.
    public func append(kind: String, lines: DocumentLines, keys: [String] = []) throws(StoreError) -> ResultLocation {
        precondition(terminator == [UInt8(ascii: "\n")], "lines go to JSON Lines stores only")
        let location = try appendBytes(lines.bytes, kind: kind)
        if keys.count == lines.count {
            for (index, key) in keys.enumerated() where !key.isEmpty {
                let offset = location.offset + Int64(lines.start(ofLine: index))
                DocumentKey(hash: DocumentKey.hash(key), offset: offset, length: Int64(lines.length(ofLine: index)))
                    .append(to: &segments[kind]!.pendingKeys)
            }
        }
        return location
    }

    /// `append(kind:lines:keys:)` for documents one by one; in a store of blobs, each
    /// document as it is.
    public func append(kind: String, documents: [[UInt8]], keys: [String] = []) throws(StoreError) -> ResultLocation {
        if terminator.isEmpty, documents.count == 1 { return try appendBytes(documents[0], kind: kind) }
        if terminator.isEmpty { return try appendBytes(Array(documents.joined()), kind: kind) }
        return try append(kind: kind, lines: DocumentLines(documents), keys: keys)
    }

    /// Bytes gathered per segment before they are written.
    public static let writeBufferLimit = 256 << 10

    /// Buffers the bytes, writing what was gathered first when they would pass the limit;
    /// bytes as large as the limit are written at once.
    private func appendBytes(_ bytes: [UInt8], kind: String) throws(StoreError) -> ResultLocation {
        // The segment is read and changed in the table only: a copy of it held here would
        // share the buffer, and every append would copy the whole buffer.
        try openSegment(kind: kind)
        // A failed write already lost this turn's appends to the segment: the turn rolls back,
        // so more bytes would only be written to be cut off again (on a full disk, at that).
        if segments[kind]!.damaged {
            throw StoreError("\(segments[kind]!.relativePath): a failed write lost this turn's appends; it is rolled back")
        }
        // Found once and changed through its index: `segments[kind]!` per field hashed the kind
        // each time, ~8 times per payload and per result under durable echo. Flushing and
        // writing through change fields only, so the index stays valid.
        let slot = segments.index(forKey: kind)!
        let location = ResultLocation(file: segments.values[slot].relativePath, offset: segments.values[slot].end, length: Int64(bytes.count))
        if segments.values[slot].buffered.count + bytes.count > Self.writeBufferLimit { try flush(kind: kind) }
        if bytes.count >= Self.writeBufferLimit {
            try writeThrough(bytes, kind: kind)
        } else {
            if segments.values[slot].buffered.capacity == 0 { segments.values[slot].buffered.reserveCapacity(Self.writeBufferLimit) }
            segments.values[slot].buffered.append(contentsOf: bytes)
        }
        segments.values[slot].end += Int64(bytes.count)
        segments.values[slot].dirty = true
        return location
    }

    /// Writes the segment's buffered appends. When that fails, the appends they held are
    /// lost although their locations were given out, so the segment is damaged: the turn
    /// cannot commit, and the rollback cuts the file back to its committed end.
    private func flush(kind: String) throws(StoreError) {
        guard !segments[kind]!.buffered.isEmpty else { return }
        do {
            try Self.writeAll(segments[kind]!.buffered, to: segments[kind]!.descriptor, path: segments[kind]!.relativePath)
        } catch {
            segments[kind]!.damaged = true
            segments[kind]!.dirty = true
            throw error
        }
        segments[kind]!.buffered.removeAll(keepingCapacity: true)
    }

    /// Writes bytes straight to the end of the file (nothing buffered before them). A write
    /// that fails part way is cut back, so the next append starts where the segment's end
    /// says; if even that fails, the segment refuses to sync until a rollback.
    private func writeThrough(_ bytes: [UInt8], kind: String) throws(StoreError) {
        let (descriptor, path, end) = (segments[kind]!.descriptor, segments[kind]!.relativePath, segments[kind]!.end)
        do {
            try Self.writeAll(bytes, to: descriptor, path: path)
        } catch {
            if ftruncate(descriptor, off_t(end)) != 0 {
                segments[kind]!.damaged = true
                segments[kind]!.dirty = true
            }
            throw error
        }
    }

    /// Fsyncs every append since the last sync; returns the new ends the journal must commit.
    public func sync() throws(StoreError) -> [String: Int64] {
        var ends: [String: Int64] = [:]
        for kind in segments.keys where segments[kind]!.dirty {
            guard !segments[kind]!.damaged else { throw StoreError("\(segments[kind]!.relativePath): a failed write lost appends or could not be cut back") }
            try flush(kind: kind)
            let segment = segments[kind]!
            guard fsync(segment.descriptor) == 0 else { throw StoreError.errno("fsync", segment.relativePath) }
            if !segment.pendingKeys.isEmpty {
                let keysPath = SegmentFiles.keysPath(segment.relativePath)
                if segment.keysDescriptor < 0 { try openKeys(kind: kind) }
                let segment = segments[kind]!
                do throws(StoreError) {
                    try Self.writeAll(segment.pendingKeys, to: segment.keysDescriptor, path: keysPath)
                    guard fsync(segment.keysDescriptor) == 0 else { throw StoreError.errno("fsync", keysPath) }
                } catch {
                    // Entries left behind would index documents of a turn that is never
                    // committed, at offsets later documents reuse.
                    if ftruncate(segment.keysDescriptor, off_t(segment.keysEnd)) != 0 { segments[kind]!.damaged = true }
                    throw error
                }
                segments[kind]!.keysEnd += Int64(segment.pendingKeys.count)
                segments[kind]!.pendingKeys.removeAll(keepingCapacity: segment.pendingKeys.capacity <= 1 << 20)
            }
            ends[segment.relativePath] = segment.end
            segments[kind]!.dirty = false
            if segment.end >= segmentLimit {
                rollovers += 1
                close(segment.descriptor)
                segments[kind]!.descriptor = -1
                if segment.keysDescriptor >= 0 { close(segment.keysDescriptor) }
                segments[kind]!.keysDescriptor = -1
            }
        }
        return ends
    }

    /// Records that the journal committed these ends.
    public func markCommitted(_ ends: [String: Int64]) {
        committed.merge(ends) { _, new in new }
        for kind in segments.keys where ends[segments[kind]!.relativePath] != nil {
            segments[kind]!.keysCommitted = segments[kind]!.keysEnd
        }
    }

    /// Forgets appends the journal did not commit (its transaction failed), so no
    /// document of an uncommitted batch can later be counted as another task's.
    public func rollBack() throws(StoreError) {
        for (kind, segment) in segments {
            let end = committed[segment.relativePath] ?? 0
            let path = root.appendingPathComponent(segment.relativePath).path
            guard truncate(path, off_t(end)) == 0 else { throw StoreError.errno("truncate", path) }
            segments[kind]?.dirty = false
            segments[kind]?.damaged = false
            segments[kind]?.end = end
            segments[kind]?.buffered.removeAll()
            segments[kind]?.pendingKeys.removeAll()
            // A keys write that failed part way left the file past `keysEnd`: cut by path
            // whenever the file was open, not only when `keysEnd` moved.
            if segment.keysDescriptor >= 0 || segment.keysEnd > segment.keysCommitted {
                let keysPath = root.appendingPathComponent(SegmentFiles.keysPath(segment.relativePath)).path
                guard truncate(keysPath, off_t(segment.keysCommitted)) == 0 || errno == ENOENT else {
                    throw StoreError.errno("truncate", keysPath)
                }
                segments[kind]?.keysEnd = segment.keysCommitted
            }
        }
    }

    /// Deletes the segment files of `kind` that `keep` does not name (paths relative to the
    /// store, as locations give them), except the newest, which appends continue in.
    /// Returns the paths deleted.
    public func removeSegments(kind: String, keeping keep: Set<String>) throws(StoreError) -> [String] {
        let directory = files.directory(kind: kind)
        var removed: [String] = []
        for index in files.indexes(kind: kind).dropLast() where index != segments[kind]?.index {
            let relativePath = files.relativePath(kind: kind, index: index)
            guard !keep.contains(relativePath) else { continue }
            try Self.removeSegmentFiles(root.appendingPathComponent(relativePath).path)
            removed.append(relativePath)
        }
        if !removed.isEmpty { try DataDirectory.syncDirectory(directory) }
        return removed
    }

    /// Unlinks a segment and its keys file (the caller fsyncs the directory).
    static func removeSegmentFiles(_ path: String) throws(StoreError) {
        for file in [path, SegmentFiles.keysPath(path)] {
            guard unlink(file) == 0 || errno == ENOENT else { throw StoreError.errno("unlink", file) }
        }
    }

    /// Reads go through `SegmentReader`, the one reader of segments, over the ends the
    /// journal has committed so far; the three calls below are its reads of this store.
    private var reader: SegmentReader { SegmentReader(files: files, committed: committed) }

    /// Reads the documents at a key entry's location (see `SegmentReader.readLines(_:)`).
    public func readLines(_ location: ResultLocation) throws(StoreError) -> [UInt8]? { try reader.readLines(location) }

    /// Reads a committed location back (for `chungtay job ID` and payloads).
    public func read(_ location: ResultLocation) throws(StoreError) -> [UInt8] { try reader.read(location) }

    /// Every committed document indexed under `key` (see `SegmentReader.locations(key:)`).
    public func locations(key: String) throws(StoreError) -> [ResultLocation] { try reader.locations(key: key) }

    /// Makes sure `kind` has an open segment to append to.
    private func openSegment(kind: String) throws(StoreError) {
        if let descriptor = segments[kind]?.descriptor, descriptor >= 0 { return }
        let directory = root.appendingPathComponent(kind, isDirectory: true)
        try DataDirectory.makeDirectory(directory)
        // A segment that `sync` closed as full is followed by the next index; at open,
        // appends continue in the newest segment.
        let index: Int
        if let previous = segments[kind]?.index {
            index = previous + 1
        } else {
            index = files.indexes(kind: kind).last ?? 1
        }
        let relativePath = files.relativePath(kind: kind, index: index)
        if committed[relativePath] == nil {
            try registerSegment?(relativePath)
            committed[relativePath] = 0
        }
        let path = root.appendingPathComponent(relativePath).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError.errno("open", path) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StoreError.errno("fstat", path) }
        try DataDirectory.syncDirectory(directory)
        segments[kind] = Segment(index: index, relativePath: relativePath, descriptor: descriptor, end: Int64(status.st_size))
    }

    /// Opens a segment's keys file on its first keyed append (stores of blobs never have one).
    private func openKeys(kind: String) throws(StoreError) {
        let relativePath = segments[kind]!.relativePath
        let path = root.appendingPathComponent(SegmentFiles.keysPath(relativePath)).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError.errno("open", path) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StoreError.errno("fstat", path) }
        try DataDirectory.syncDirectory(root.appendingPathComponent(kind, isDirectory: true))
        segments[kind]!.keysDescriptor = descriptor
        segments[kind]!.keysEnd = Int64(status.st_size)
        segments[kind]!.keysCommitted = Int64(status.st_size)
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(StoreError) {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw StoreError.errno("write", path) }
            done += count
        }
    }
}
