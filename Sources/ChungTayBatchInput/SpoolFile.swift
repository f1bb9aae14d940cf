import Foundation

/// A private temporary file (mode 0600) for an office list's converted text or spool, with
/// no name on disk: it is created in `$TMPDIR` (`/tmp` without it) and unlinked at once,
/// before a byte of the list is written, and lives only as this process's open descriptor.
/// However `batch submit` ends (returns, is interrupted, is killed), the kernel frees it
/// with the process, so no converted copy of a list of personal data outlives the run.
/// Readers reopen it through `path` (`/proc/self/fd/N`), as they open any list.
final class SpoolFile: Sendable {
    /// Opened for reading and writing; `SpoolWriter` writes through it.
    let descriptor: Int32
    /// The descriptor as a path this process can open (`/dev/fd/N` on Darwin).
    let path: String

    init() throws(BatchInputError) {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/chungtay-list.XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw .cannotWriteSpool(path: base, errno: errno) }
        // Nothing is written before the name is gone.
        guard template.withUnsafeBufferPointer({ unlink($0.baseAddress!) }) == 0, fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0 else {
            let code = errno
            close(descriptor)
            throw .cannotWriteSpool(path: base, errno: code)
        }
        self.descriptor = descriptor
        #if os(Linux)
            path = "/proc/self/fd/\(descriptor)"
        #else
            path = "/dev/fd/\(descriptor)"
        #endif
    }

    deinit {
        close(descriptor)
    }
}
