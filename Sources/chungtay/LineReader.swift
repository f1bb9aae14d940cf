import Foundation

/// Lines of a file as byte arrays, read in chunks, so `submit --lines` streams a file of
/// any size without holding it. Empty lines are skipped; a final line needs no newline.
///
/// A read that fails ends the lines and is kept in `failure`; what it had read is lost
/// (Foundation gives none of it back), and so is an unfinished line before it. corelibs
/// Foundation's `readData(ofLength:)` is `try!`, so standard input that was a directory
/// (EISDIR) or a failing device stopped `submit` with a crash report. A class, so that the
/// caller still holds the failure after a sequence built on it has run.
final class LineReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// Why reading stopped before the end of the file, if it did.
    private(set) var failure: (any Error)?

    init(_ handle: FileHandle) {
        self.handle = handle
    }

    func next() -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[start..<newline])
                start = newline + 1
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                if line.isEmpty { continue }
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            do {
                let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
                if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
            } catch {
                failure = error
                buffer.removeAll()
                atEnd = true
            }
        }
    }
}
