#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Files and directories of an export hold personal data (RULES.md section 5): files are
/// created with mode 0600 and directories with 0700, whatever the umask, and a file is
/// always created new (`O_EXCL`), so an export never writes through a planted symlink.
enum PrivateFiles {
    static func makeDirectory(_ path: String) throws(BatchExportError) {
        if mkdir(path, 0o700) != 0 {
            let code = errno
            var status = stat()
            // An existing directory is fine (a real one, not a symlink to one).
            guard code == EEXIST, lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
                throw .io(operation: "mkdir", path: path, errno: code)
            }
            return
        }
        guard chmod(path, 0o700) == 0 else { throw .io(operation: "chmod", path: path, errno: errno) }
    }

    /// Fsyncs a directory, so the entries created or renamed in it survive a crash.
    static func syncDirectory(_ path: String) throws(BatchExportError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { closeDescriptor(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    /// Fsyncs `root` and every directory below it, deepest first.
    static func syncDirectories(under root: String) throws {
        var directories = [root]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            if enumerator?.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { directories.append(root + "/" + relative) }
        }
        for directory in directories.reversed() { try syncDirectory(directory) }
    }

    /// `renameat2(2)` is not in Swift's Glibc module; looked up once in the C library.
    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameAt2 = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: RenameAt2.self) }
    private static let renameExchange: UInt32 = 1 << 1

    /// Puts the directory `staged` at `target`. An existing `target` is exchanged with it
    /// in one step (`RENAME_EXCHANGE`), so the old directory ends up at `staged`; where the
    /// filesystem cannot exchange, the old one is first renamed to `staged`-old and then
    /// to `staged`, so it stays whole until the new one is in place. Returns whether an
    /// old directory now sits at `staged`.
    static func swap(_ staged: String, into target: String) throws(BatchExportError) -> Bool {
        var status = stat()
        guard lstat(target, &status) == 0 else {
            guard rename(staged, target) == 0 else { throw .io(operation: "rename", path: target, errno: errno) }
            return false
        }
        if let renameAt2, renameAt2(AT_FDCWD, staged, AT_FDCWD, target, renameExchange) == 0 { return true }
        let retired = staged + "-old"
        guard rename(target, retired) == 0 else { throw .io(operation: "rename", path: target, errno: errno) }
        guard rename(staged, target) == 0 else {
            let code = errno
            _ = rename(retired, target)
            throw .io(operation: "rename", path: target, errno: code)
        }
        guard rename(retired, staged) == 0 else { throw .io(operation: "rename", path: retired, errno: errno) }
        return true
    }

    /// Reads a whole file (a spill file) into memory.
    static func readAll(_ path: String) throws(BatchExportError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + done, $0.count - done) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .io(operation: "read", path: path, errno: errno) }
            if count == 0 { break }
            done += count
        }
        if done < bytes.count { bytes.removeSubrange(done...) }
        return bytes
    }

    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws(BatchExportError) {
        var done = 0
        while done < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw .io(operation: "write", path: path, errno: errno) }
            done += count
        }
    }

    /// Appends to a file, creating it 0600 when missing; opened and closed per call, so
    /// the spill files of many communes never hold many descriptors open.
    static func append(_ bytes: [UInt8], to path: String) throws(BatchExportError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else { throw .io(operation: "fchmod", path: path, errno: errno) }
        let result = bytes.withUnsafeBytes { buffer -> BatchExportError? in
            do throws(BatchExportError) {
                try writeAll(buffer, to: descriptor, path: path)
                return nil
            } catch {
                return error
            }
        }
        if let result { throw result }
    }
}

/// A new output file, written through a buffer.
final class OutputFile {
    let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 20

    init(path: String) throws(BatchExportError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        guard fchmod(descriptor, 0o600) == 0 else {
            let code = errno
            closeDescriptor(descriptor)
            descriptor = -1
            throw .io(operation: "fchmod", path: path, errno: code)
        }
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    deinit {
        if descriptor >= 0 { closeDescriptor(descriptor) }
    }

    func write(_ bytes: some Sequence<UInt8>) throws(BatchExportError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(BatchExportError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    func flush() throws(BatchExportError) {
        guard !buffer.isEmpty else { return }
        let path = path
        let descriptor = descriptor
        let failure = buffer.withUnsafeBytes { bytes -> BatchExportError? in
            do throws(BatchExportError) {
                try PrivateFiles.writeAll(bytes, to: descriptor, path: path)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, fsyncs (an export is durable before it replaces an earlier one) and closes.
    func close() throws(BatchExportError) {
        try flush()
        guard fsync(descriptor) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
        let result = closeDescriptor(descriptor)
        descriptor = -1
        guard result == 0 else { throw .io(operation: "close", path: path, errno: errno) }
    }
}

/// The system `close`, which `OutputFile.close()` and `XLSXWorkbook.close()` shadow inside their classes.
@inline(__always)
@discardableResult
func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
