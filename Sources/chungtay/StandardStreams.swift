import ChungTayRuntime
import Foundation

/// Standard output and standard error, written without trapping.
///
/// corelibs Foundation's `FileHandle.write(_:)` is `try!`: standard output on a full disk
/// (or any other failing write) stopped the command with a crash report. A command whose
/// output is its answer now says why on standard error and exits 1; a message on standard
/// error has nowhere else to go, so it is best effort.
enum StandardStreams {
    /// Writes `bytes` to standard output; false, once standard error says why, when it cannot.
    static func output(_ bytes: some DataProtocol) -> Bool {
        do {
            try FileHandle.standardOutput.write(contentsOf: bytes)
            return true
        } catch {
            StandardStreams.error("chungtay: cannot write standard output: \(fileErrorText(error))\n")
            return false
        }
    }

    /// Writes `text` to standard output; false, once standard error says why, when it cannot.
    static func output(_ text: String) -> Bool {
        output(Data(text.utf8))
    }

    /// Writes `text` to standard error, as far as it can.
    static func error(_ text: String) {
        StructuredLogHandler.writeToStandardError(text)
    }

    /// Flushes what `print` left in stdio's buffer. stdio keeps a failed write to itself
    /// until then, and the exit that flushes ignores it, so a command whose text output
    /// was lost on a full disk would end with 0; false, once standard error says so. All of
    /// stdio's streams are flushed (Swift 6 cannot name C's `stdout`); only standard output
    /// holds anything, and what a failed flush could not write stays to fail the next one.
    static func flushPrinted() -> Bool {
        if fflush(nil) == 0 { return true }
        StandardStreams.error("chungtay: cannot write standard output: \(String(cString: strerror(errno)))\n")
        return false
    }
}
