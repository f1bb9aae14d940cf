import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory for one test's files, removed with `remove()`.
struct TemporaryFiles {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-delivery-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` with `mode` and returns its path.
    func write(_ name: String, _ text: String, mode: mode_t = 0o600) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        guard chmod(path, mode) == 0 else { throw CocoaError(.fileWriteNoPermission) }
        return path
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
