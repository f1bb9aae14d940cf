import ChungTayCoding

/// A task's result documents as JSON Lines: one buffer of one-line JSON objects, each
/// followed by a line feed, exactly as they are appended to a store segment.
///
/// One buffer instead of an array of documents: a batch chunk's result is hundreds of
/// documents, and as separate frames each one cost an allocation and a copy at every hop
/// (executor, worker I/O thread, libzmq on both sides, dispatcher) before the dispatcher
/// joined them into lines again for the store.
public struct DocumentLines: Equatable, Sendable {
    /// The lines, each ending in `\n`.
    public private(set) var bytes: [UInt8] = []
    /// Where each line ends in `bytes` (just past its `\n`).
    public private(set) var ends: [Int] = []

    public init() {}

    public init(_ documents: [[UInt8]]) {
        bytes.reserveCapacity(documents.reduce(0) { $0 + $1.count + 1 })
        ends.reserveCapacity(documents.count)
        for document in documents { append(document) }
    }

    public var count: Int { ends.count }
    public var isEmpty: Bool { ends.isEmpty }

    /// Length of line `index`, its line feed included.
    public func length(ofLine index: Int) -> Int {
        ends[index] - start(ofLine: index)
    }

    /// Where line `index` starts in `bytes`.
    public func start(ofLine index: Int) -> Int {
        index == 0 ? 0 : ends[index - 1]
    }

    /// The documents without their line feeds.
    public var documents: [[UInt8]] {
        ends.indices.map { index in Array(bytes[(index == 0 ? 0 : ends[index - 1])..<(ends[index] - 1)]) }
    }

    public mutating func reserveCapacity(bytes byteCount: Int, lines lineCount: Int) {
        bytes.reserveCapacity(byteCount)
        ends.reserveCapacity(lineCount)
    }

    /// Appends one document; it must be a one-line JSON object (`ResultDocumentCheck`).
    public mutating func append(_ document: [UInt8]) {
        bytes.append(contentsOf: document)
        endLine()
    }

    /// Appends one document written in place by `write`, which must write a one-line JSON object.
    public mutating func append(writing write: (inout [UInt8]) -> Void) {
        write(&bytes)
        endLine()
    }

    private mutating func endLine() {
        bytes.append(UInt8(ascii: "\n"))
        ends.append(bytes.count)
    }

    /// Reads `count` lines from a packed frame: every line a one-line JSON object (starts
    /// with `{`, ends with `}`, no CR), each ended by a line feed, nothing after the last.
    public static func validated(_ frame: [UInt8], count: Int, context: String) throws(WireError) -> DocumentLines {
        // The shortest line, `{}` and its line feed, is 3 bytes: a larger count is a lie, and
        // reserving room for it (up to 2³² ends) would abort the process instead.
        guard count <= frame.count / 3 else {
            throw WireError(.malformed, "\(context) announces \(count) documents in \(frame.count) bytes")
        }
        var lines = DocumentLines()
        lines.ends.reserveCapacity(count)
        let valid = frame.withUnsafeBytes { buffer -> Bool in
            var start = 0
            while start < buffer.count {
                guard buffer[start] == UInt8(ascii: "{"),
                      let end = LineBreaks.first(in: buffer, from: start), buffer[end] == UInt8(ascii: "\n"),
                      end > start + 1, buffer[end - 1] == UInt8(ascii: "}") else { return false }
                lines.ends.append(end + 1)
                start = end + 1
            }
            return true
        }
        guard valid else { throw WireError(.malformed, "\(context): a document is not a one-line JSON object ended by a line feed") }
        guard lines.ends.count == count else {
            throw WireError(.malformed, "\(context) announces \(count) documents and carries \(lines.ends.count)")
        }
        lines.bytes = frame
        return lines
    }
}

/// Finding CR and LF eight bytes at a time (SWAR): the dispatcher checks every byte of
/// every result, and a byte-by-byte scan was an eighth of its CPU time on a large batch.
enum LineBreaks {
    /// The offset of the first CR or LF at or after `start`, if any.
    static func first(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        if let base = bytes.baseAddress {
            while index + 8 <= bytes.count {
                let word = ByteWord.load(base, at: index)
                if ByteWord.matching(UInt8(ascii: "\n"), in: word) | ByteWord.matching(UInt8(ascii: "\r"), in: word) != 0 { break }
                index += 8
            }
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\r") { return index }
            index += 1
        }
        return nil
    }
}
