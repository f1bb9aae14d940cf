#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChungTayCoding
import ChungTayWire
import Foundation

/// `BACKUP.json`: what a backup holds, file by file with its size, so a restore can tell a
/// whole backup from one cut short by a full disk or a copy that stopped part way, before
/// anything is put in place.
///
/// `{"format":"chungtay-backup/1","takenAt":RFC 3339,"source":PATH,"files":[{"path","bytes"}…]}`;
/// paths are relative to the backup directory.
public struct BackupManifest: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var path: String
        public var bytes: Int64
    }

    public static let format = "chungtay-backup/1"
    public var takenAt: String
    public var source: String
    public var files: [File] = []

    init(takenAt: Date, source: String) {
        self.takenAt = Timestamp.rfc3339(takenAt)
        self.source = source
    }

    /// Records a file written into the backup, with its size as written.
    mutating func add(_ path: String, as relativePath: String) throws(StoreError) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw StoreError.errno("stat", path) }
        files.append(File(path: relativePath, bytes: Int64(status.st_size)))
    }

    func write(to path: String) throws(StoreError) {
        var writer = JSONWriter()
        writer.openObject()
        writer.key("format")
        writer.string(Self.format)
        writer.key("takenAt")
        writer.string(takenAt)
        writer.key("source")
        writer.string(source)
        writer.key("files")
        writer.openArray()
        for file in files {
            writer.openObject()
            writer.key("path")
            writer.string(file.path)
            writer.key("bytes")
            writer.integer(Int(file.bytes))
            writer.closeObject()
        }
        writer.closeArray()
        writer.closeObject()
        var bytes = writer.finish()
        bytes.append(UInt8(ascii: "\n"))
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw StoreError.errno("create", path) }
        defer { close(descriptor) }
        try ResultStore.writeAll(bytes, to: descriptor, path: path)
        guard fsync(descriptor) == 0 else { throw StoreError.errno("fsync", path) }
    }

    /// Reads a backup's manifest. Its paths are checked to stay inside the backup (no
    /// absolute path, no `..`, no empty component): a restore writes where they say.
    public static func read(from path: String) throws(StoreError) -> BackupManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError("\(path) cannot be read: not a ChungTay backup (or an unfinished one)")
        }
        func invalid(_ why: String) -> StoreError { StoreError("\(path) is not a valid backup manifest: \(why)") }
        let value: JSONValue
        do { value = try JSONReader.parse([UInt8](data)) } catch { throw invalid("\(error)") }
        guard let object = value.objectValue else { throw invalid("not a JSON object") }
        guard case .string(Self.format)? = object["format"] else { throw invalid("format is not \(Self.format)") }
        guard case .string(let takenAt)? = object["takenAt"], case .string(let source)? = object["source"],
            case .array(let entries)? = object["files"]
        else { throw invalid("takenAt, source or files missing") }
        var manifest = BackupManifest(takenAt: Date(), source: source)
        manifest.takenAt = takenAt
        for entry in entries {
            guard let file = entry.objectValue, case .string(let relativePath)? = file["path"],
                case .number(let number)? = file["bytes"], let bytes = number.integerValue, bytes >= 0
            else { throw invalid("a file entry without a path or a size") }
            let components = relativePath.split(separator: "/", omittingEmptySubsequences: false)
            guard !relativePath.hasPrefix("/"), !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
                relativePath != DataDirectoryBackup.manifestName
            else { throw invalid("the path \(relativePath) leaves the backup") }
            manifest.files.append(File(path: relativePath, bytes: Int64(bytes)))
        }
        guard Set(manifest.files.map(\.path)).count == manifest.files.count else { throw invalid("a path listed twice") }
        guard manifest.files.contains(where: { $0.path == "journal.sqlite" }) else { throw invalid("no journal.sqlite") }
        return manifest
    }

}
