#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The audit trail of personal-data processing, `DATA/audit.jsonl` (mode 0600): one JSON
/// object per line (`AuditLine`), only ever appended to, by the dispatcher (submissions,
/// the workers that processed each task, batches, dead letters) and by the CLI on the
/// dispatcher's machine (exports).
///
/// Appends are whole lines in one `write` with `O_APPEND`, so the dispatcher and a CLI
/// writing at once never interleave within a line. A kill -9 during a write can leave a
/// torn last line; the next writer first ends it with a newline (never cutting it: the
/// file only grows), and readers (`AuditEntry.scan`) skip and count torn lines.
///
/// Appended lines reach the disk when `sync` is called: the dispatcher syncs about once a
/// second and at batch events, so a power loss (not a kill, which loses nothing written)
/// may lose the last second of lines while the journal keeps the facts themselves.
public final class AuditTrail {
    public let path: String
    private let descriptor: Int32
    /// The first append, and the first after a failed one, checks that the file ends with a
    /// newline (another writer may have been killed mid-line since the file was opened, or a
    /// failed write left part of a line).
    private var checkedEnd = false
    private var dirty = false

    /// `DATA/audit.jsonl` of `directory`.
    public static func path(in directory: DataDirectory) -> String {
        directory.root.appendingPathComponent("audit.jsonl").path
    }

    /// Opens (creating, mode 0600) the trail of `directory` for appending.
    public init(directory: DataDirectory) throws(StoreError) {
        let path = Self.path(in: directory)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw StoreError.errno("open", path) }
        // Checked on the local descriptor: once every property is set, a throw runs `deinit`,
        // which closes the descriptor itself.
        do throws(StoreError) {
            // A file created by someone else with a wider mode is narrowed: it names workers and clients.
            guard fchmod(descriptor, 0o600) == 0 else { throw StoreError.errno("fchmod", path) }
            // Its entry durable before any line is: made now, or by a process that died before this sync.
            try DataDirectory.syncDirectory(directory.root)
        } catch {
            close(descriptor)
            throw error
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Appends whole lines (each ending in a newline) in one write; not yet synced.
    public func append(_ lines: [UInt8]) throws(StoreError) {
        guard !lines.isEmpty else { return }
        var bytes = lines
        if !checkedEnd {
            if try !endsWithNewline() { bytes.insert(UInt8(ascii: "\n"), at: 0) }
            checkedEnd = true
        }
        do {
            try ResultStore.writeAll(bytes, to: descriptor, path: path)
        } catch {
            // Part of `bytes` may be in the file (ENOSPC mid-way): the retry must end that
            // torn line first, or its first line would be glued to the torn one. (Lines
            // written whole before the failure are written again: a reader sees them twice.)
            checkedEnd = false
            throw error
        }
        dirty = true
    }

    /// Makes every append so far durable.
    public func sync() throws(StoreError) {
        guard dirty else { return }
        guard fdatasync(descriptor) == 0 else { throw StoreError.errno("fdatasync", path) }
        dirty = false
    }

    /// True when the file is empty or its last byte is a newline.
    private func endsWithNewline() throws(StoreError) -> Bool {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StoreError.errno("fstat", path) }
        guard status.st_size > 0 else { return true }
        let reader = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard reader >= 0 else { throw StoreError.errno("open", path) }
        defer { close(reader) }
        var last: UInt8 = 0
        guard pread(reader, &last, 1, off_t(status.st_size - 1)) == 1 else { throw StoreError.errno("pread", path) }
        return last == UInt8(ascii: "\n")
    }
}
