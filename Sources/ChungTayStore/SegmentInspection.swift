#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Compares one store's segment files (and their keys files) with the committed ends the
/// journal holds. The one judgement of what a crash explains (a tail past the committed
/// end, keys of uncommitted documents: cut) and what it does not (a segment the journal
/// does not know, a file shorter than its committed end: refuse), used by a store's open,
/// the dispatcher's start-up check and `chungtay data check`.
struct SegmentInspection {
    /// `DATA/store` or `DATA/payloads`.
    let root: URL
    let fileExtension: String
    /// Committed ends by path relative to `root` (entries of other stores are ignored).
    let committed: [String: Int64]
    /// Payload segments are deleted once no job needs them (the journal keeps their rows);
    /// result segments never are, so a missing one lost committed results.
    let segmentsMayBeCollected: Bool

    /// `readsDocuments` also checks that every key entry starts at a line start and ends
    /// with a newline (a read per entry: for `chungtay data check`, not for every start).
    func problems(readsDocuments: Bool) throws(StoreError) -> [DataProblem] {
        var problems: [DataProblem] = []
        var present: Set<String> = []
        let files = SegmentFiles(root: root, fileExtension: fileExtension)
        for kind in files.kinds() {
            for relativePath in files.relativePaths(kind: kind) {
                present.insert(relativePath)
                problems += try inspect(relativePath, readsDocuments: readsDocuments)
            }
        }
        if !segmentsMayBeCollected {
            for (relativePath, end) in committed.sorted(by: { $0.key < $1.key })
            where end > 0 && relativePath.hasSuffix("." + fileExtension) && !present.contains(relativePath) {
                problems.append(DataProblem(file: name(relativePath), code: .missingSegment,
                                            message: "the journal has \(end) committed bytes in this segment, but the file is missing"))
            }
        }
        return problems
    }

    private func name(_ relativePath: String) -> String { root.lastPathComponent + "/" + relativePath }

    private func inspect(_ relativePath: String, readsDocuments: Bool) throws(StoreError) -> [DataProblem] {
        let path = root.appendingPathComponent(relativePath).path
        var status = stat()
        guard stat(path, &status) == 0 else { throw StoreError.errno("stat", path) }
        let size = Int64(status.st_size)
        let end: Int64
        var problems: [DataProblem] = []
        if let known = committed[relativePath] {
            end = known
            if size < end {
                return [DataProblem(file: name(relativePath), code: .shortSegment,
                                    message: "the file has \(size) bytes but the journal committed \(end): committed data is missing, and appends would land at the wrong offsets")]
            }
            if size > end {
                problems.append(DataProblem(file: name(relativePath), code: .uncommittedTail,
                                            message: "\(size - end) bytes past the committed end \(end) (an append whose commit never happened)",
                                            repair: .truncate(path: path, length: end)))
            }
        } else {
            guard size == 0 else {
                return [DataProblem(file: name(relativePath), code: .unknownSegment,
                                    message: "\(size) bytes in a segment the journal does not know (a restored or older journal?); nothing was cut")]
            }
            end = 0
        }
        if let problem = try inspectKeys(relativePath, segmentPath: path, committedEnd: end, readsDocuments: readsDocuments) {
            problems.append(problem)
        }
        return problems
    }

    /// Keys are not recorded in the journal; their committed part is derived from the
    /// segment's: the longest run of whole entries, in file order, each pointing at
    /// documents inside the committed end and after the previous one (appends only go
    /// forward, so an entry behind its predecessor indexes bytes a rollback gave away).
    private func inspectKeys(_ relativePath: String, segmentPath: String, committedEnd: Int64, readsDocuments: Bool) throws(StoreError) -> DataProblem? {
        let keysPath = SegmentFiles.keysPath(segmentPath)
        var status = stat()
        guard stat(keysPath, &status) == 0 else { return nil }
        let size = Int64(status.st_size)
        guard let entries = try SegmentReader.readKeys(at: keysPath) else { return nil }
        let lines = readsDocuments ? open(segmentPath, O_RDONLY | O_CLOEXEC) : -1
        defer { if lines >= 0 { close(lines) } }
        var valid = 0
        var previousEnd: Int64 = 0
        while valid < entries.count / DocumentKey.entrySize {
            let entry = DocumentKey(entries, at: valid * DocumentKey.entrySize)
            guard entry.isInside(committedEnd: committedEnd), entry.offset >= previousEnd else { break }
            if lines >= 0, !Self.isWholeLines(entry, in: lines) { break }
            previousEnd = entry.end
            valid += 1
        }
        let keep = Int64(valid * DocumentKey.entrySize)
        guard keep < size else { return nil }
        let repair = Repair.truncate(path: keysPath, length: keep)
        let keysName = SegmentFiles.keysPath(name(relativePath))
        if keep == Int64(entries.count) {
            return DataProblem(file: keysName, code: .tornKeys,
                               message: "\(size - keep) bytes after the last whole \(DocumentKey.entrySize)-byte entry", repair: repair)
        }
        return DataProblem(file: keysName, code: .invalidKeys,
                           message: "entry \(valid + 1) of \(size / Int64(DocumentKey.entrySize)) points at no committed document (outside the committed end \(committedEnd), out of order or not at a line); \((size - keep) / Int64(DocumentKey.entrySize)) entries from there on index nothing reliable",
                           repair: repair)
    }

    /// Whether the entry's bytes are whole lines: a newline (or the file start) before it
    /// and a newline as its last byte.
    private static func isWholeLines(_ entry: DocumentKey, in descriptor: Int32) -> Bool {
        var byte: UInt8 = 0
        if entry.offset > 0 {
            guard pread(descriptor, &byte, 1, off_t(entry.offset - 1)) == 1, byte == UInt8(ascii: "\n") else { return false }
        }
        return pread(descriptor, &byte, 1, off_t(entry.end - 1)) == 1 && byte == UInt8(ascii: "\n")
    }
}
