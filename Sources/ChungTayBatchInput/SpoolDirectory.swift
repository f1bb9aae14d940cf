import Foundation

/// A private temporary directory (mode 0700, from `mkdtemp`) for an office list's
/// converted text and spool, removed with everything in it when released.
final class SpoolDirectory: Sendable {
    let path: String

    /// Creates `$TMPDIR/chungtay-list.XXXXXX` (`/tmp` without `TMPDIR`).
    init() throws(BatchInputError) {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/chungtay-list.XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .cannotWriteSpool(path: base, errno: errno)
        }
        path = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }
}
