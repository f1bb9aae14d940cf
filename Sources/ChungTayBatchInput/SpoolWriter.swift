import ChungTayCoding
import Foundation

/// Writes a spool line by line through a buffer, padding with empty lines so that each
/// record lands on its own line number.
final class SpoolWriter {
    /// The file written, kept open while writing.
    let spool: SpoolFile
    /// The office file the spool converts, as write errors name it.
    let path: String
    private var buffer: [UInt8] = []
    /// The line the next byte written is on.
    private var line = 1
    private let maximumRecordBytes: Int

    /// - Parameters:
    ///   - path: the office file, for messages (the spool has no name).
    ///   - maximumRecordBytes: a record whose JSON would be longer is written as an error
    ///     member only, as `RecordReader` would refuse the line.
    init(spool: SpoolFile, naming path: String, maximumRecordBytes: Int) {
        self.spool = spool
        self.path = path
        self.maximumRecordBytes = maximumRecordBytes
        buffer.reserveCapacity(1 << 20)
    }

    /// Writes a record on `line` (after the last one written): `members` in order, then
    /// the error member when there is an error.
    func append(line recordLine: Int, members: [(key: String, value: JSONValue)], error: InputError?) throws(BatchInputError) {
        precondition(recordLine >= line, "spool records in line order")
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: recordLine - line))
        line = recordLine
        var writer = JSONWriter(capacity: 1024)
        writer.openObject()
        // Stops once past the limit: a row's cells may hold 16 MiB of text, which escaping
        // could make six times as much JSON, and none of it would be kept.
        for member in members where writer.count < maximumRecordBytes {
            writer.dynamicKey(member.key)
            writer.value(member.value)
        }
        if let error { Self.writeError(error, into: &writer) }
        writer.closeObject()
        var record = writer.finish()
        if record.count >= maximumRecordBytes {
            var short = JSONWriter(capacity: 256)
            short.openObject()
            Self.writeError(
                InputError(column: 1, message: "record longer than \(maximumRecordBytes) bytes once converted"), into: &short)
            short.closeObject()
            record = short.finish()
        }
        buffer.append(contentsOf: record)
        buffer.append(UInt8(ascii: "\n"))
        line += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    private static func writeError(_ error: InputError, into writer: inout JSONWriter) {
        writer.dynamicKey(ListSpool.errorKey)
        error.write(into: &writer)
    }

    /// Appends bytes as they are (`TextTranscoder`'s converted copy of a text file).
    func append(_ bytes: [UInt8]) throws(BatchInputError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes out what is buffered; call once after the last record.
    func flush() throws(BatchInputError) {
        var written = 0
        while written < buffer.count {
            let result = buffer.withUnsafeBytes { write(spool.descriptor, $0.baseAddress! + written, $0.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw .cannotWriteSpool(path: path, errno: errno)
            }
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
