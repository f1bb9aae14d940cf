#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads what a store has committed, and only that: each segment up to the committed end
/// the journal holds for it. Bytes past that end belong to no completed job (an append
/// whose commit is under way or never happened, a torn write) and the dispatcher may cut
/// them at any moment; bytes before it never change (result segments are only appended
/// to and never deleted).
///
/// It never writes a store file and takes no write lock (segments are opened read-only,
/// the journal in SQLite's read-only mode; see `JobJournal(readingOnly:)` for the WAL
/// files SQLite itself may add beside a stopped dispatcher's journal), so it reads a
/// running dispatcher's store: what it sees is the store as of the committed ends it was
/// given.
public struct SegmentReader: Sendable {
    public let files: SegmentFiles
    /// Committed ends by path relative to `files.root` (entries of other stores are ignored).
    public let committed: [String: Int64]

    /// Bytes read at a time by `forEachLine`: large sequential reads keep an export of a
    /// store of gigabytes at the disk's speed.
    private static let chunkSize = 1 << 20

    public init(files: SegmentFiles, committed: [String: Int64]) {
        self.files = files
        self.committed = committed
    }

    /// A data directory's result stores as its journal has committed them now, whether or
    /// not a dispatcher is running (the journal is only read, see `JobJournal.init(readingOnly:)`).
    public init(resultsOf directory: DataDirectory) throws(StoreError) {
        let journal = try JobJournal(readingOnly: directory.journalPath)
        self.init(files: .results(of: directory), committed: try journal.committedSegments())
    }

    /// How far a segment is committed; 0 for one the journal does not know (a segment is
    /// recorded before its file is created, so such a file holds nothing committed).
    public func committedEnd(_ relativePath: String) -> Int64 { committed[relativePath] ?? 0 }

    /// Calls `body` with each committed line of a kind's store, without its newline, and
    /// where it lies (newline included, as `readLines(_:)` reads it back): oldest segment
    /// first, in file order inside a segment. Empty lines are skipped, and so are the bytes
    /// of a segment after its last newline before the committed end (none in a store whose
    /// appends are whole lines). Throws `StoreError` when a file cannot be read, or what
    /// `body` throws.
    public func forEachLine(kind: String, _ body: (UnsafeBufferPointer<UInt8>, ResultLocation) throws -> Void) throws {
        var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
        // The start of a line that continues in the next chunk.
        var carry: [UInt8] = []
        for relativePath in files.relativePaths(kind: kind) {
            let end = committedEnd(relativePath)
            guard end > 0 else { continue }
            let path = files.path(relativePath)
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw StoreError.errno("open", path) }
            defer { close(descriptor) }
            carry.removeAll(keepingCapacity: true)
            var position: Int64 = 0
            while position < end {
                let wanted = Int(min(Int64(chunk.count), end - position))
                let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, wanted, off_t(position)) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw StoreError.errno("pread", path)
                }
                // A file shorter than its committed end has lost committed documents: an
                // export from it would be incomplete, so it is an error, not a shorter read
                // (`chungtay data check` names the file as `short_segment`).
                if count == 0 {
                    throw StoreError("\(path) ends at byte \(position), before its committed end \(end): committed documents are missing (see `chungtay data check`)")
                }
                try chunk.withUnsafeBufferPointer { buffer in
                    var start = 0
                    while start < count {
                        guard let found = memchr(buffer.baseAddress! + start, 0x0A, count - start) else { break }
                        let newline = buffer.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                        if carry.isEmpty {
                            if newline > start {
                                let location = ResultLocation(file: relativePath, offset: position + Int64(start), length: Int64(newline - start + 1))
                                try body(UnsafeBufferPointer(rebasing: buffer[start..<newline]), location)
                            }
                        } else {
                            carry.append(contentsOf: buffer[start..<newline])
                            let location = ResultLocation(file: relativePath, offset: position - Int64(carry.count - newline), length: Int64(carry.count + 1))
                            try carry.withUnsafeBufferPointer { try body($0, location) }
                            carry.removeAll(keepingCapacity: true)
                        }
                        start = newline + 1
                    }
                    if start < count { carry.append(contentsOf: buffer[start..<count]) }
                }
                position += Int64(count)
            }
        }
    }

    /// Every committed document indexed under `key`, oldest first, across all kinds.
    /// A hash collision can add a document of another key: readers compare its fields.
    public func locations(key: String) throws(StoreError) -> [ResultLocation] {
        let hash = DocumentKey.hash(key)
        var found: [ResultLocation] = []
        for kind in files.kinds() {
            for relativePath in files.relativePaths(kind: kind) {
                guard let entries = try Self.readKeys(at: files.path(SegmentFiles.keysPath(relativePath))) else { continue }
                let end = committedEnd(relativePath)
                // Only the hash is compared in the loop, as one word: a 1,000,000-household
                // batch has 2.3 million entries, and decoding each took 70 ms of a lookup.
                let matches = entries.withUnsafeBytes { raw in
                    var positions: [Int] = []
                    var position = 0
                    while position + DocumentKey.entrySize <= raw.count {
                        if UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)) == UInt64(bitPattern: hash) {
                            positions.append(position)
                        }
                        position += DocumentKey.entrySize
                    }
                    return positions
                }
                for position in matches {
                    let entry = DocumentKey(entries, at: position)
                    if entry.isInside(committedEnd: end) { found.append(ResultLocation(file: relativePath, offset: entry.offset, length: entry.length)) }
                }
            }
        }
        return found
    }

    /// Reads the documents at a key entry's location, or nil when the location is not
    /// whole lines (it must start at a line start and end with a newline): an entry is
    /// checked against the segment rather than trusted to be aligned.
    public func readLines(_ location: ResultLocation) throws(StoreError) -> [UInt8]? {
        guard location.offset >= 0, location.length > 0 else { return nil }
        let before = location.offset > 0 ? 1 : 0
        let bytes = try read(ResultLocation(file: location.file, offset: location.offset - Int64(before), length: location.length + Int64(before)))
        guard before == 0 || bytes.first == UInt8(ascii: "\n"), bytes.last == UInt8(ascii: "\n") else { return nil }
        return Array(bytes.dropFirst(before))
    }

    /// Reads a location the journal holds (a job's result or payload) back.
    public func read(_ location: ResultLocation) throws(StoreError) -> [UInt8] {
        let path = files.path(location.file)
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

    /// A keys file's whole entries (a torn tail shorter than one entry is left out); nil
    /// when the segment has none.
    static func readKeys(at path: String) throws(StoreError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StoreError.errno("fstat", path) }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size) - Int(status.st_size) % DocumentKey.entrySize)
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, $0.count - done, off_t(done)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw StoreError.errno("pread", path) }
            done += count
        }
        return bytes
    }
}
