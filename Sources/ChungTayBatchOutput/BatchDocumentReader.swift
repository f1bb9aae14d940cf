#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChungTayCoding
import ChungTayRules
import ChungTayStore

/// One batch's documents of one kind, read from the result store's committed lines
/// (`SegmentReader`: segment by segment in index order, in file order inside a segment).
///
/// Lines are first filtered on the bytes `"batchId":"ID"` (result documents carry it
/// among the common fields spliced first), so documents of other batches are never
/// parsed; a line that passes is parsed and kept only when its top-level `batchId` is
/// the batch and its `kind`, if any, the store's. A document whose `taskId` was already
/// seen (a copy) is skipped.
struct BatchDocumentReader {
    let store: SegmentReader
    let batchId: String

    /// What reading found besides the documents.
    struct Tally {
        /// Lines of the batch (or, for a batch id the filter cannot spell, of any
        /// batch) that are not a JSON object.
        var unreadableLines = 0
    }

    /// Calls `body` with each document of the batch and its line's bytes.
    func forEachDocument(
        kind: String, tally: inout Tally, _ body: (JSONObject, UnsafeBufferPointer<UInt8>, ResultLocation) throws -> Void
    ) throws {
        let needle = Self.needle(batchId: batchId)
        var seenTasks: Set<String> = []
        try store.forEachLine(kind: kind) { line, location in
            if let needle, !Self.contains(line, needle) { return }
            guard case .object(let document)? = try? JSONValue(parsing: Array(line)) else {
                tally.unreadableLines += 1
                return
            }
            guard case .string(let id)? = document["batchId"], id == batchId else { return }
            if case .string(let documentKind)? = document["kind"], documentKind != kind { return }
            if case .string(let taskId)? = document["taskId"], !seenTasks.insert(taskId).inserted { return }
            try body(document, line, location)
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
}
