#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The JSON stores: one directory per kind under `store/`, holding JSON Lines segment files.
///
/// Exactly one document per task, and no torn line, come from one rule: the job journal
/// records how far each segment is committed, and bytes past that point belong to no
/// completed job. Appends are written and fsynced before the journal commit that names
/// them; at open, anything past the committed end (a batch whose journal commit never
/// happened, or a torn write) is cut off, and those jobs run again. A live reader may
/// see a final line without its newline while a write is under way: readers take only
/// lines that end in a newline.
///
/// Not thread-safe: owned by the dispatcher's loop thread.
public final class ResultStore {
    /// A segment rolls over to a new file past this size, so no file grows without bound.
    public let segmentLimit: Int64
    private let root: URL
    private var segments: [String: Segment] = [:]
    /// Committed end of every segment file, as the journal knows it.
    private var committed: [String: Int64]

    private struct Segment {
        var index: Int
        var relativePath: String
        var descriptor: Int32
        /// End of the file including unsynced appends.
        var end: Int64
        var pending: [UInt8] = []
    }

    /// Opens the store, cutting every segment back to its committed end.
    public init(directory: DataDirectory, committed: [String: Int64], segmentLimit: Int64 = 256 << 20) throws(StoreError) {
        self.root = directory.storeRoot
        self.committed = committed
        self.segmentLimit = segmentLimit
        try DataDirectory.makeDirectory(root)
        try truncateUncommittedTails()
    }

    deinit {
        for segment in segments.values where segment.descriptor >= 0 { close(segment.descriptor) }
    }

    /// Buffers a task's documents as lines of the kind's current segment and says where they will be.
    public func append(kind: String, documents: [[UInt8]]) throws(StoreError) -> ResultLocation {
        var segment = try currentSegment(kind: kind)
        let offset = segment.end
        let before = segment.pending.count
        for document in documents {
            segment.pending.append(contentsOf: document)
            segment.pending.append(UInt8(ascii: "\n"))
        }
        segment.end += Int64(segment.pending.count - before)
        segments[kind] = segment
        return ResultLocation(file: segment.relativePath, offset: offset, length: segment.end - offset)
    }

    /// Writes and fsyncs every buffered append; returns the new ends the journal must commit.
    public func sync() throws(StoreError) -> [String: Int64] {
        var ends: [String: Int64] = [:]
        for (kind, var segment) in segments where !segment.pending.isEmpty {
            try Self.writeAll(segment.pending, to: segment.descriptor, path: segment.relativePath)
            guard fsync(segment.descriptor) == 0 else { throw StoreError.errno("fsync", segment.relativePath) }
            segment.pending.removeAll(keepingCapacity: true)
            ends[segment.relativePath] = segment.end
            if segment.end >= segmentLimit {
                close(segment.descriptor)
                segment.descriptor = -1
            }
            segments[kind] = segment
        }
        return ends
    }

    /// Records that the journal committed these ends.
    public func markCommitted(_ ends: [String: Int64]) {
        committed.merge(ends) { _, new in new }
    }

    /// Forgets appends the journal did not commit (its transaction failed), so no
    /// document of an uncommitted batch can later be counted as another task's.
    public func rollBack() throws(StoreError) {
        for (kind, segment) in segments {
            let end = committed[segment.relativePath] ?? 0
            let path = root.appendingPathComponent(segment.relativePath).path
            guard truncate(path, off_t(end)) == 0 else { throw StoreError.errno("truncate", path) }
            segments[kind]?.pending.removeAll()
            segments[kind]?.end = end
        }
    }

    /// Reads a committed location back (for `chungtay job ID`).
    public func read(_ location: ResultLocation) throws(StoreError) -> [UInt8] {
        let path = root.appendingPathComponent(location.file).path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.errno("open", path) }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: Int(location.length))
        var done = 0
        while done < buffer.count {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, $0.count - done, off_t(location.offset) + off_t(done)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw StoreError.errno("pread", path) }
            done += count
        }
        return buffer
    }

    private func currentSegment(kind: String) throws(StoreError) -> Segment {
        if let segment = segments[kind], segment.descriptor >= 0 { return segment }
        let directory = root.appendingPathComponent(kind, isDirectory: true)
        try DataDirectory.makeDirectory(directory)
        // A segment that `sync` closed as full is followed by the next index; at open,
        // appends continue in the newest segment.
        let index: Int
        if let previous = segments[kind]?.index {
            index = previous + 1
        } else {
            index = try Self.segmentIndexes(in: directory).last ?? 1
        }
        let relativePath = "\(kind)/" + Self.segmentName(index)
        let path = root.appendingPathComponent(relativePath).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError.errno("open", path) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StoreError.errno("fstat", path) }
        try Self.syncDirectory(directory)
        let segment = Segment(index: index, relativePath: relativePath, descriptor: descriptor, end: Int64(status.st_size))
        segments[kind] = segment
        return segment
    }

    private func truncateUncommittedTails() throws(StoreError) {
        let kinds = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for kind in kinds {
            let directory = root.appendingPathComponent(kind, isDirectory: true)
            for index in try Self.segmentIndexes(in: directory) {
                let relativePath = "\(kind)/" + Self.segmentName(index)
                let path = root.appendingPathComponent(relativePath).path
                let end = committed[relativePath] ?? 0
                var status = stat()
                guard stat(path, &status) == 0 else { throw StoreError.errno("stat", path) }
                if Int64(status.st_size) > end {
                    guard truncate(path, off_t(end)) == 0 else { throw StoreError.errno("truncate", path) }
                }
            }
        }
    }

    static func segmentName(_ index: Int) -> String {
        let digits = String(index)
        return "segment-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".jsonl"
    }

    static func segmentIndexes(in directory: URL) throws(StoreError) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("segment-"), name.hasSuffix(".jsonl") else { return nil }
            return Int(name.dropFirst("segment-".count).dropLast(".jsonl".count))
        }.sorted()
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

    /// A new file's directory entry is durable only once the directory itself is fsynced.
    static func syncDirectory(_ directory: URL) throws(StoreError) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.errno("open", directory.path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StoreError.errno("fsync", directory.path) }
    }
}
