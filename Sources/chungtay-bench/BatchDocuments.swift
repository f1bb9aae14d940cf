#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ChungTayCoding
import ChungTayRules
import ChungTayWire
import ChungTayStore
import Foundation

/// One batch's documents in a dispatcher's stores (what its journal has committed), reduced to what two runs of the
/// same batch must agree on: per document, the input record it stands for and a
/// fingerprint of its content without the fields that legitimately differ.
///
/// Two runs of one batch differ in job ids (so in `taskId`, `JOB.N`), in times
/// (`processedAt`, the audit's `submittedAt`/`sealedAt`/`completedAt`) and in which
/// worker did what (`worker`, the audit's `workers`): docs/BATCH.md and RULES.md section
/// 5. Everything else (the reviews, statuses, notifications, counters and summary) is a
/// function of the input and the rules, so it must be equal byte for byte after parsing.
struct BatchDocuments {
    /// The stores a batch writes to.
    static let kinds = [TaskKind.householdReview, .loanStatus, .notifyEmit, .batchSummary].map(\.rawValue)

    /// Members left out of the fingerprint: top-level ones, and the audit record's.
    static let runSpecificFields: Set<String> = ["taskId", "processedAt", "worker"]
    static let runSpecificAuditFields: Set<String> = ["submittedAt", "sealedAt", "completedAt", "workers"]

    /// The input record a document stands for: a batch document's `source` (file and line),
    /// or the batch itself for its summary and for a notification without a subject.
    struct Identity: Hashable, Comparable, CustomStringConvertible {
        var kind: String
        var source: String

        static func < (lhs: Identity, rhs: Identity) -> Bool { (lhs.kind, lhs.source) < (rhs.kind, rhs.source) }
        var description: String { "\(kind) \(source)" }
    }

    struct Document {
        var taskId: String
        var fingerprint: UInt64
        /// Where its line is, to show it when it differs.
        var location: ResultLocation
    }

    let store: SegmentReader

    var byIdentity: [Identity: [Document]] = [:]
    /// Lines of the batch that are not JSON objects.
    var unreadableLines = 0
    var count: Int { byIdentity.values.reduce(0) { $0 + $1.count } }

    /// Reads every store of `dataDirectory` for the documents of `batchId`.
    init(dataDirectory: URL, batchId: String) throws {
        let needle = Array(#""batchId":""#.utf8) + Array(batchId.utf8) + [UInt8(ascii: "\"")]
        store = try SegmentReader(resultsOf: DataDirectory(root: dataDirectory))
        for kind in Self.kinds {
            try store.forEachLine(kind: kind) { bytes, location in
                let line = Array(bytes)
                // Documents of other batches, and the echo probes of a disk-full run, are not read.
                guard Self.contains(line, needle) else { return }
                guard case .object(let document)? = try? JSONValue(parsing: line) else {
                    unreadableLines += 1
                    return
                }
                guard case .string(batchId)? = document["batchId"] else { return }
                let identity = Identity(kind: kind, source: Self.source(of: document, kind: kind))
                let taskId: String = if case .string(let id)? = document["taskId"] { id } else { "" }
                byIdentity[identity, default: []].append(
                    Document(taskId: taskId, fingerprint: Self.fingerprint(document), location: location))
            }
        }
    }

    private static func source(of document: JSONObject, kind: String) -> String {
        guard case .object(let source)? = document["source"],
              case .string(let file)? = source["file"], case .number(let line)? = source["line"] else { return "(batch)" }
        return "\(file):\(line)"
    }

    /// FNV-1a (64 bits) over the document's structure without the run-specific fields: a
    /// type tag before each value and lengths before strings, so no two structures feed
    /// the same bytes.
    static func fingerprint(_ document: JSONObject) -> UInt64 {
        var hash = FNV1a()
        func feed(_ byte: UInt8) {
            hash.add(byte)
        }
        func feed(_ tag: UInt8, count: Int) {
            feed(tag)
            for shift in stride(from: 0, to: 64, by: 8) { feed(UInt8(truncatingIfNeeded: count >> shift)) }
        }
        func feed(_ tag: UInt8, text: String) {
            feed(tag, count: text.utf8.count)
            for byte in text.utf8 { feed(byte) }
        }
        func feed(_ value: JSONValue, skipping: Set<String>?) {
            switch value {
            case .null: feed(UInt8(ascii: "n"))
            case .bool(let flag): feed(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            case .number(let number): feed(UInt8(ascii: "d"), text: number.description)
            case .unrepresentableNumber(let number): feed(UInt8(ascii: "u"), text: "\(number)")
            case .string(let text): feed(UInt8(ascii: "s"), text: text)
            case .array(let elements):
                feed(UInt8(ascii: "a"), count: elements.count)
                for element in elements { feed(element, skipping: nil) }
            case .object(let object):
                let kept = object.members.filter { skipping?.contains($0.key) != true }
                feed(UInt8(ascii: "o"), count: kept.count)
                for member in kept {
                    feed(UInt8(ascii: "k"), text: member.key)
                    feed(member.value, skipping: skipping == nil || member.key != "audit" ? nil : runSpecificAuditFields)
                }
            }
        }
        feed(.object(document), skipping: runSpecificFields)
        return hash.value
    }

    /// Whether `needle` (not empty) occurs in `haystack`: memchr for its first byte, then
    /// memcmp (Glibc's module leaves out memmem).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { text in
            needle.withUnsafeBufferPointer { pattern in
                guard let base = text.baseAddress, let first = pattern.first, pattern.count <= text.count else { return false }
                var start = 0
                let last = text.count - pattern.count
                while start <= last, let found = memchr(base + start, Int32(first), last - start + 1) {
                    let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + index, pattern.baseAddress!, pattern.count) == 0 { return true }
                    start = index + 1
                }
                return false
            }
        }
    }

    /// A document's line, for a report (at most 64 KiB of it).
    func line(_ document: Document) -> String {
        guard let bytes = try? store.readLines(document.location) else { return "(unreadable)" }
        return String(decoding: bytes.prefix(1 << 16).prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }
}

/// A reliability run that could not be carried out (as opposed to one that found a defect).
struct ReliabilityError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
