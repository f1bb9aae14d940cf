import Foundation

/// The workbook file, read with `pread`: the directory and any number of entry streams
/// read it at their own offsets with no shared file position.
final class ArchiveFile {
    let path: String
    let size: Int
    private let descriptor: Int32

    init(path: String) throws(WorkbookError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw .cannotOpen(path: path, errno: code)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .cannotOpen(path: path, errno: EISDIR)
        }
        self.descriptor = descriptor
        size = Int(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Reads exactly `count` bytes at `offset`; false when the file ends first.
    func readFully(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(WorkbookError) -> Bool {
        var done = 0
        while done < count {
            let result = pread(descriptor, destination + done, count - done, off_t(offset + done))
            if result > 0 {
                done += result
            } else if result == 0 {
                return false
            } else if errno != EINTR {
                throw .readFailed(path: path, errno: errno)
            }
        }
        return true
    }

    /// `count` bytes at `offset` as an array; nil when the file ends first.
    func bytes(at offset: Int, count: Int) throws(WorkbookError) -> [UInt8]? {
        guard count > 0 else { return [] }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { buffer.deallocate() }
        guard try readFully(into: buffer.baseAddress!, count: count, at: offset) else { return nil }
        return Array(buffer)
    }
}
