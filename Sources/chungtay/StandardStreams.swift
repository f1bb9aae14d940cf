import Foundation

/// Standard output and standard error, written without trapping.
///
/// corelibs Foundation's `FileHandle.write(_:)` is `try!`: standard output on a full disk
/// (or a closed pipe, where SIGPIPE is ignored) stopped the command with a crash report.
/// A command whose output is its answer now says why on standard error and exits 1; a
/// message on standard error has nowhere else to go, so it is best effort.
enum StandardStreams {
    /// Writes `bytes` to standard output; false, once standard error says why, when it cannot.
    static func output(_ bytes: some DataProtocol) -> Bool {
        do {
            try FileHandle.standardOutput.write(contentsOf: bytes)
            return true
        } catch {
            StandardStreams.error("chungtay: cannot write standard output: \(error)\n")
            return false
        }
    }

    /// Writes `text` to standard output; false, once standard error says why, when it cannot.
    static func output(_ text: String) -> Bool {
        output(Data(text.utf8))
    }

    /// Writes `text` to standard error, as far as it can.
    static func error(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}
