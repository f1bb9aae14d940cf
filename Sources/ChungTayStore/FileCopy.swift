#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The durable file copies a backup and a restore are made of: each file written new
/// (0600, never over an existing one), cut where its committed bytes end, and fsynced,
/// and the directories fsynced before the finished tree is renamed into place.
enum FileCopy {
    private static let chunk = 1 << 20

    /// Copies the first `length` bytes of `descriptor` to a new file at `path`. A source
    /// shorter than `length` is an error: the bytes a journal committed are missing.
    static func copy(_ descriptor: Int32, length: Int64, named name: String, to path: String) throws(StoreError) {
        let target = try create(path)
        defer { close(target) }
        var buffer = [UInt8](repeating: 0, count: chunk)
        var offset: Int64 = 0
        while offset < length {
            let wanted = Int(min(Int64(chunk), length - offset))
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, wanted, off_t(offset)) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw StoreError.errno("read", name) }
            guard count > 0 else { throw StoreError("\(name) holds \(offset) bytes, fewer than the \(length) committed ones") }
            try ResultStore.writeAll(Array(buffer[0..<count]), to: target, path: path)
            offset += Int64(count)
        }
        guard fsync(target) == 0 else { throw StoreError.errno("fsync", path) }
    }

    /// Copies a keys file's whole entries up to the first one that does not index a document
    /// inside `committedEnd`: entries are appended in offset order, and those past the end
    /// index documents of commits the copy lacks.
    static func copyKeys(_ descriptor: Int32, inside committedEnd: Int64, named name: String, to path: String) throws(StoreError) {
        let target = try create(path)
        defer { close(target) }
        let entriesPerRead = chunk / DocumentKey.entrySize
        var buffer = [UInt8](repeating: 0, count: entriesPerRead * DocumentKey.entrySize)
        var offset: Int64 = 0
        reading: while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, off_t(offset)) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw StoreError.errno("read", name) }
            let whole = count / DocumentKey.entrySize * DocumentKey.entrySize
            var kept = 0
            while kept < whole, DocumentKey(buffer, at: kept).isInside(committedEnd: committedEnd) { kept += DocumentKey.entrySize }
            if kept > 0 { try ResultStore.writeAll(Array(buffer[0..<kept]), to: target, path: path) }
            offset += Int64(kept)
            if kept < buffer.count { break reading }
        }
        guard fsync(target) == 0 else { throw StoreError.errno("fsync", path) }
    }

    /// The length of `descriptor`'s content up to and with its last line feed: a line torn
    /// by a crash is left out, so the next append starts a line of its own.
    static func wholeLinesLength(_ descriptor: Int32, named name: String) throws(StoreError) -> Int64 {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StoreError.errno("stat", name) }
        var end = Int64(status.st_size)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while end > 0 {
            let start = max(0, end - Int64(buffer.count))
            let wanted = Int(end - start)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, wanted, off_t(start)) }
            if count < 0, errno == EINTR { continue }
            guard count == wanted else { throw StoreError.errno("read", name) }
            if let last = buffer[0..<count].lastIndex(of: UInt8(ascii: "\n")) { return start + Int64(last) + 1 }
            end = start
        }
        return 0
    }

    /// Fsyncs `root` and every directory under it, so the entries of the files written there
    /// survive a crash (the files themselves were fsynced as they were written).
    static func syncTree(_ root: URL) throws(StoreError) {
        var directories = [root]
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey]) {
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
                directories.append(url)
            }
        }
        for directory in directories.reversed() { try DataDirectory.syncDirectory(directory) }
    }

    /// Renames a finished tree into place and makes the rename durable: the commit point of
    /// a backup or a restore. `destination` may be an empty directory (one a service
    /// manager made), which the rename replaces.
    static func moveIntoPlace(_ source: URL, to destination: URL) throws(StoreError) {
        guard rename(source.path, destination.path) == 0 else { throw StoreError.errno("rename", source.path) }
        try DataDirectory.syncDirectory(destination.deletingLastPathComponent())
    }

    /// Makes the directory a backup or a restore is written in, refusing one that exists: it
    /// may be another run's, still writing (one that was stopped part way is removed by hand).
    static func makeNewDirectory(_ url: URL, purpose: String) throws(StoreError) {
        try DataDirectory.makeDirectory(url.deletingLastPathComponent())
        guard mkdir(url.path, 0o700) == 0 else {
            if errno == EEXIST {
                throw StoreError("\(url.path) exists: another \(purpose) is writing it, or one was stopped part way (then remove it)")
            }
            throw StoreError.errno("mkdir", url.path)
        }
    }

    /// Removes everything inside `url`, keeping the directory itself.
    static func emptyDirectory(_ url: URL) throws(StoreError) {
        do {
            for entry in try FileManager.default.contentsOfDirectory(atPath: url.path) {
                try FileManager.default.removeItem(at: url.appendingPathComponent(entry))
            }
        } catch {
            throw StoreError("cannot empty \(url.path): \(error)")
        }
    }

    private static func create(_ path: String) throws(StoreError) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw StoreError.errno("create", path) }
        return descriptor
    }
}
