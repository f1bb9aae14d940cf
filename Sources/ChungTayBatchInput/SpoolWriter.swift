import ChungTayCoding
import Foundation

/// Writes a spool line by line through a buffer, padding with empty lines so that each
/// record lands on its own line number.
final class SpoolWriter {
    let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// The line the next byte written is on.
    private var line = 1
    private let maximumRecordBytes: Int

    /// - Parameter maximumRecordBytes: a record whose JSON would be longer is written as an
    ///   error member only, as `RecordReader` would refuse the line.
    init(path: String, maximumRecordBytes: Int) throws(BatchInputError) {
        self.path = path
        self.maximumRecordBytes = maximumRecordBytes
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotWriteSpool(path: path, errno: errno) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        close(descriptor)
    }

    /// Writes a record on `line` (after the last one written): `members` in order, then
    /// the error member when there is an error.
    func append(line recordLine: Int, members: [(key: String, value: JSONValue)], error: InputError?) throws(BatchInputError) {
        precondition(recordLine >= line, "spool records in line order")
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: recordLine - line))
        line = recordLine
        var writer = JSONWriter(capacity: 1024)
        writer.openObject()
        for member in members {
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
        writer.openObject()
        writer.key("column")
        writer.integer(error.column)
        if let field = error.field {
            writer.key("field")
            writer.string(field)
        }
        writer.key("message")
        writer.string(error.message)
        writer.closeObject()
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
            let result = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw .cannotWriteSpool(path: path, errno: errno)
            }
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
