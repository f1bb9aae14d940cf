public import Foundation

/// The names of one store's files: `ROOT/KIND/segment-NNNNNN.EXT` (the index counts up
/// from 1, at least six digits) and, beside a JSON Lines segment, its keys file
/// `segment-NNNNNN.jsonl.keys`. The one place that spells and parses them: the store
/// that writes the files, the inspection that checks them and the reader that reads
/// them all list segments here, so they cannot disagree on which files are segments.
public struct SegmentFiles: Sendable {
    /// `DATA/store` or `DATA/payloads`.
    public let root: URL
    /// `root.path` without a trailing slash, computed once.
    private let rootPath: String
    /// `jsonl` for result stores, `bin` for stores of blobs.
    public let fileExtension: String

    public init(root: URL, fileExtension: String) {
        self.root = root
        let path = root.path
        rootPath = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        self.fileExtension = fileExtension
    }

    /// The result stores of a data directory: `DATA/store/KIND/segment-NNNNNN.jsonl`.
    public static func results(of directory: DataDirectory) -> SegmentFiles {
        SegmentFiles(root: directory.storeRoot, fileExtension: "jsonl")
    }

    private static let prefix = "segment-"

    /// `segment-000042.jsonl` for index 42.
    public func name(_ index: Int) -> String {
        let digits = String(index)
        return Self.prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "." + fileExtension
    }

    /// The index a segment's file name spells; nil for any other name, including one that
    /// `name(_:)` would not write (a keys file, another extension, `segment-7.jsonl`).
    public func index(ofName fileName: String) -> Int? {
        let suffix = "." + fileExtension
        guard fileName.hasPrefix(Self.prefix), fileName.hasSuffix(suffix),
            let index = Int(fileName.dropFirst(Self.prefix.count).dropLast(suffix.count)),
            name(index) == fileName
        else { return nil }
        return index
    }

    /// The index a path relative to `root` spells, `KIND/segment-NNNNNN.EXT` with KIND one
    /// plain name; nil for anything else (a journal's row read back is checked, not trusted:
    /// a backup copies the files its journal names).
    public func index(ofRelativePath relativePath: String) -> Int? {
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0] != ".", parts[0] != ".." else { return nil }
        return index(ofName: String(parts[1]))
    }

    /// A segment's path relative to `root`, as locations and the journal name it: `KIND/segment-NNNNNN.EXT`.
    public func relativePath(kind: String, index: Int) -> String { kind + "/" + name(index) }

    /// The absolute path of a file named relative to `root`.
    /// Joined as text: Foundation's URL joining normalises the path again on every call, and
    /// the notification delivery reads documents one by one.
    public func path(_ relativePath: String) -> String { rootPath + "/" + relativePath }

    public func directory(kind: String) -> URL { root.appendingPathComponent(kind, isDirectory: true) }

    /// The kinds that have a directory under `root`, in name order.
    public func kinds() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
    }

    /// The indexes of a kind's segment files, oldest first; none when the kind has no store yet.
    public func indexes(kind: String) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory(kind: kind).path)) ?? []
        return names.compactMap(index(ofName:)).sorted()
    }

    /// A kind's segments as paths relative to `root`, oldest first.
    public func relativePaths(kind: String) -> [String] {
        indexes(kind: kind).map { relativePath(kind: kind, index: $0) }
    }

    /// The keys file beside a segment (a path, relative or absolute, or a name).
    public static func keysPath(_ segmentPath: String) -> String { segmentPath + ".keys" }
}
