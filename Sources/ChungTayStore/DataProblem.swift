#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Something wrong with a data directory: where (a path relative to the data directory),
/// what (a stable code for scripts) and a message for people.
public struct DataProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// A non-empty segment file the journal does not know (a restored or older journal).
        case unknownSegment = "unknown_segment"
        /// A segment file shorter than the end the journal committed for it.
        case shortSegment = "short_segment"
        /// A result segment the journal knows with committed data, and no file.
        case missingSegment = "missing_segment"
        /// Bytes past a segment's committed end: an append whose commit never happened.
        case uncommittedTail = "uncommitted_tail"
        /// A keys file whose length is not whole 24-byte entries.
        case tornKeys = "torn_keys"
        /// Key entries that do not point at committed documents of their segment.
        case invalidKeys = "invalid_keys"
        /// A journal row with a value of the wrong type (e.g. a REAL where an integer belongs).
        case unreadableRow = "unreadable_row"
        /// A job or batch whose result location lies outside its segment's committed bytes.
        case danglingResult = "dangling_result"
        /// A queued or dead job whose payload location lies outside a committed payload segment.
        case danglingPayload = "dangling_payload"
        /// A payload segment that no queued or dead job needs (the dispatcher deletes these).
        case unneededPayloadSegment = "unneeded_payload_segment"

        /// Problems no crash explains: the dispatcher refuses to start on them rather
        /// than cut data it cannot account for.
        public var blocksStart: Bool {
            switch self {
            case .unknownSegment, .shortSegment, .missingSegment, .unreadableRow, .danglingResult, .danglingPayload: true
            case .uncommittedTail, .tornKeys, .invalidKeys, .unneededPayloadSegment: false
            }
        }
    }

    public var file: String
    public var code: Code
    public var message: String
    /// What `chungtay data check --repair` (and, for cuts, a starting dispatcher) does
    /// about it; nil when nothing is provably safe.
    public var repair: Repair?

    public var blocksStart: Bool { code.blocksStart }

    public var description: String { "\(file): \(code.rawValue): \(message)" }

    init(file: String, code: Code, message: String, repair: Repair? = nil) {
        self.file = file
        self.code = code
        self.message = message
        self.repair = repair
    }
}

/// A repair that never touches committed data: cutting bytes past a committed end or
/// index entries that point at no committed document, or deleting files nothing needs.
public enum Repair: Sendable, Equatable, CustomStringConvertible {
    case truncate(path: String, length: Int64)
    case delete(paths: [String])

    public var description: String {
        switch self {
        case .truncate(let path, let length): "cut \(path) to \(length) bytes"
        case .delete(let paths): "deleted \(paths.joined(separator: ", "))"
        }
    }

    /// Applies the repair durably: a cut file is fsynced, a deleted file's directory too.
    public func apply() throws(StoreError) {
        switch self {
        case .truncate(let path, let length):
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw StoreError.errno("open", path) }
            defer { close(descriptor) }
            guard ftruncate(descriptor, off_t(length)) == 0 else { throw StoreError.errno("truncate", path) }
            guard fsync(descriptor) == 0 else { throw StoreError.errno("fsync", path) }
        case .delete(let paths):
            for path in paths { try ResultStore.removeSegmentFiles(path) }
            for directory in Set(paths.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }) {
                try DataDirectory.syncDirectory(directory)
            }
        }
    }
}
