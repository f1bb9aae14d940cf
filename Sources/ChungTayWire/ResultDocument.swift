import Foundation

/// Builds stored result documents: the common fields of SCHEMA.md followed by the
/// handler's own fields.
///
/// Handlers return their fields as an encoded JSON object; the common fields are
/// spliced in front as bytes rather than by decoding and re-encoding the object, which
/// keeps a stored document's cost at one encode. The same builder serves the native
/// worker runtime and the dispatcher's wrapping of MDP worker replies.
public enum ResultDocument {
    public struct Common: Sendable {
        public var taskId: UInt64
        public var kind: String
        public var batchId: String?
        /// RFC 3339 UTC timestamp.
        public var processedAt: String
        public var worker: String

        public init(taskId: UInt64, kind: String, batchId: String?, processedAt: String, worker: String) {
            self.taskId = taskId
            self.kind = kind
            self.batchId = batchId
            self.processedAt = processedAt
            self.worker = worker
        }
    }

    /// `body` must be a JSON object (`{…}`) on one line. `position` (1-based) makes the
    /// task id `JOB.N`, for documents that are tasks of their own inside one job.
    public static func make(_ common: Common, body: [UInt8], position: Int? = nil) -> [UInt8] {
        var document: [UInt8] = []
        document.reserveCapacity(body.count + 128)
        Template(common).write(body: body, position: position, to: &document)
        return document
    }

    /// The common fields encoded once for all of a task's documents: a batch chunk's
    /// result has hundreds, and escaping the same four strings for each was a twentieth
    /// of a worker's time.
    public struct Template: Sendable {
        /// `{"taskId":"ID`
        private let head: [UInt8]
        /// `","kind":…,"batchId":…,"processedAt":…,"worker":…`
        private let tail: [UInt8]

        public init(_ common: Common) {
            head = Array(#"{"taskId":""#.utf8) + Array(String(common.taskId).utf8)
            var tail = Array(#"","kind":"#.utf8)
            JSONText.appendString(common.kind, to: &tail)
            tail.append(contentsOf: #","batchId":"#.utf8)
            if let batchId = common.batchId { JSONText.appendString(batchId, to: &tail) } else { tail.append(contentsOf: "null".utf8) }
            tail.append(contentsOf: #","processedAt":"#.utf8)
            JSONText.appendString(common.processedAt, to: &tail)
            tail.append(contentsOf: #","worker":"#.utf8)
            JSONText.appendString(common.worker, to: &tail)
            self.tail = tail
        }

        /// `make`, appending to `document` (a task's `DocumentLines`) instead of a new array.
        public func write(body: [UInt8], position: Int?, to document: inout [UInt8]) {
            document.append(contentsOf: head)
            if let position {
                document.append(UInt8(ascii: "."))
                Self.appendDecimal(position, to: &document)
            }
            document.append(contentsOf: tail)
            let fields = body.dropFirst().dropLast()
            if fields.contains(where: { !JSONText.isWhitespace($0) }) {
                document.append(UInt8(ascii: ","))
                document.append(contentsOf: fields)
            }
            document.append(UInt8(ascii: "}"))
        }

        private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
            var divisor = 1
            while divisor <= value / 10 { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
    }

    /// Wraps an opaque reply (an MDP worker's, or an echo) as `{"result": …}`: the bytes
    /// themselves when they are one line of valid JSON, else a JSON string of the text,
    /// else base64 under `resultBase64`.
    public static func opaqueBody(_ bytes: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(bytes.count + 16)
        if JSONText.isValidJSON(bytes), !bytes.contains(UInt8(ascii: "\n")), !bytes.contains(UInt8(ascii: "\r")) {
            body.append(contentsOf: #"{"result":"#.utf8)
            body.append(contentsOf: bytes)
        } else if let text = String(validating: bytes, as: UTF8.self) {
            body.append(contentsOf: #"{"result":"#.utf8)
            JSONText.appendString(text, to: &body)
        } else {
            body.append(contentsOf: #"{"resultBase64":""#.utf8)
            body.append(contentsOf: Data(bytes).base64EncodedString().utf8)
            body.append(UInt8(ascii: "\""))
        }
        body.append(UInt8(ascii: "}"))
        return body
    }
}
