#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChungTayCoding
import Foundation
import ChungTayRules

/// Reads one batch's documents of one kind from the result store
/// (`DATA/store/KIND/segment-NNNNNN.jsonl`, JSON Lines), segment by segment in index
/// order and in file order inside a segment, a chunk at a time.
///
/// Only lines that end in a newline count (a live store may hold a final line being
/// written). Lines are first filtered on the bytes `"batchId":"ID"` (result documents
/// carry it among the common fields spliced first), so documents of other batches are
/// never parsed; a line that passes is parsed and kept only when its top-level
/// `batchId` is the batch and its `kind`, if any, the store's. A document whose
/// `taskId` was already seen (a copy) is skipped.
struct StoreReader {
    let storeRoot: URL
    let batchId: String

    private static let chunkSize = 1 << 20

    /// What reading found besides the documents.
    struct Tally {
        /// Lines of the batch (or, for a batch id the filter cannot spell, of any
        /// batch) that are not a JSON object.
        var unreadableLines = 0
    }

    /// The store's segment files in index order; none when the kind has no store yet.
    func segments(kind: String) -> [String] {
        let directory = storeRoot.appendingPathComponent(kind, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("segment-"), name.hasSuffix(".jsonl"),
                let index = Int(name.dropFirst("segment-".count).dropLast(".jsonl".count))
            else { return nil }
            return (index, directory.appendingPathComponent(name).path)
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Calls `body` with each document of the batch and its line's bytes.
    func forEachDocument(
        kind: String, tally: inout Tally, _ body: (JSONObject, UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        let needle = Self.needle(batchId: batchId)
        var seenTasks: Set<String> = []
        for path in segments(kind: kind) {
            try Self.forEachLine(path: path) { line in
                if let needle, !Self.contains(line, needle) { return }
                guard case .object(let document)? = try? JSONValue(parsing: Array(line)) else {
                    tally.unreadableLines += 1
                    return
                }
                guard case .string(let id)? = document["batchId"], id == batchId else { return }
                if case .string(let documentKind)? = document["kind"], documentKind != kind { return }
                if case .string(let taskId)? = document["taskId"], !seenTasks.insert(taskId).inserted { return }
                try body(document, line)
            }
        }
    }

    /// `"batchId":"ID"` as the store writes it; nil when the id needs escaping in JSON,
    /// in which case every line is parsed (and checked after parsing).
    static func needle(batchId: String) -> [UInt8]? {
        guard batchId.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        else { return nil }
        return Array(#""batchId":""#.utf8) + Array(batchId.utf8) + [UInt8(ascii: "\"")]
    }

    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
        let last = haystack.count - needle.count
        var index = 0
        return needle.withUnsafeBufferPointer { pattern in
            while index <= last {
                guard let found = memchr(haystack.baseAddress! + index, Int32(first), last - index + 1) else { return false }
                let start = haystack.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if memcmp(haystack.baseAddress! + start, pattern.baseAddress!, pattern.count) == 0 { return true }
                index = start + 1
            }
            return false
        }
    }

    /// Each newline-terminated line of a file, without its newline; a last line without
    /// one is left out. Empty lines are skipped.
    static func forEachLine(path: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw BatchExportError.io(operation: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        // The start of a line that continues in the next chunk.
        var carry: [UInt8] = []
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BatchExportError.io(operation: "read", path: path, errno: errno)
            }
            if count == 0 { return }
            try chunk.withUnsafeBufferPointer { buffer in
                var start = 0
                while start < count {
                    guard let found = memchr(buffer.baseAddress! + start, 0x0A, count - start) else { break }
                    let end = buffer.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if carry.isEmpty {
                        if end > start { try body(UnsafeBufferPointer(rebasing: buffer[start..<end])) }
                    } else {
                        carry.append(contentsOf: buffer[start..<end])
                        try carry.withUnsafeBufferPointer { try body($0) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = end + 1
                }
                if start < count { carry.append(contentsOf: buffer[start..<count]) }
            }
        }
    }
}
