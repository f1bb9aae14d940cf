/// The native worker protocol, CTWP01 (docs/PROTOCOL.md, section "Worker protocol").
///
/// Every message is `[CTWP01][command:1][body…]`. Tasks and results travel in batches —
/// one message may carry many — because per-message overhead, not bandwidth, bounds
/// throughput for small tasks.
public enum WorkerProtocol {
    public static let header: [UInt8] = Array("CTWP01".utf8)

    public enum Command: UInt8, Sendable {
        case ready = 0x01
        case tasks = 0x02
        case result = 0x03
        case fail = 0x04
        case heartbeat = 0x05
        case disconnect = 0x06
        case error = 0x7F
    }
}

/// A task as the dispatcher hands it to a worker.
public struct TaskAssignment: Equatable, Sendable {
    public var taskId: UInt64
    public var kind: String
    /// 1 for the first run; the worker may log it, handlers stay unaware.
    public var attempt: UInt16
    public var payload: [UInt8]

    public init(taskId: UInt64, kind: String, attempt: UInt16, payload: [UInt8]) {
        self.taskId = taskId
        self.kind = kind
        self.attempt = attempt
        self.payload = payload
    }
}

/// A finished task: the result documents (each one compact JSON object, one line) to store.
public struct TaskResult: Equatable, Sendable {
    public var taskId: UInt64
    public var documents: [[UInt8]]
    /// The handler returns a list (possibly of one, or none), not a single document, so
    /// readers show an array even when it holds one document.
    public var isList: Bool

    public init(taskId: UInt64, documents: [[UInt8]], isList: Bool) {
        self.taskId = taskId
        self.documents = documents
        self.isList = isList
    }
}

/// A task that did not produce a result. `retryable` false sends it straight to the dead letters.
public struct TaskFailure: Error, Equatable, Sendable {
    public var taskId: UInt64
    public var retryable: Bool
    public var code: String
    public var message: String

    public init(taskId: UInt64, retryable: Bool, code: String, message: String) {
        self.taskId = taskId
        self.retryable = retryable
        self.code = code
        self.message = message
    }
}

public enum WorkerMessage: Equatable, Sendable {
    /// Worker → dispatcher: name, kinds served, and how many tasks it may hold at once.
    case ready(name: String, kinds: [String], credit: UInt32)
    /// Dispatcher → worker.
    case tasks([TaskAssignment])
    /// Worker → dispatcher; each result also returns one credit.
    case results([TaskResult])
    /// Worker → dispatcher; each failure also returns one credit.
    case failures([TaskFailure])
    case heartbeat
    case disconnect(reason: String)
    case error(code: String, message: String)

    public func encode() -> [[UInt8]] {
        var frames: [[UInt8]] = [WorkerProtocol.header, [command.rawValue]]
        switch self {
        case .ready(let name, let kinds, let credit):
            var creditFrame = ByteWriter(capacity: 4)
            creditFrame.write(credit)
            frames += [name.frame, kinds.joined(separator: ",").frame, creditFrame.bytes]
        case .tasks(let tasks):
            for task in tasks {
                var header = ByteWriter(capacity: 12 + task.kind.utf8.count)
                header.write(task.taskId)
                header.write(task.attempt)
                header.write(task.kind, lengthAs: UInt8.self)
                frames.append(header.bytes)
                frames.append(task.payload)
            }
        case .results(let results):
            for result in results {
                var header = ByteWriter(capacity: 13)
                header.write(result.taskId)
                header.write(UInt8(result.isList ? 1 : 0))
                header.write(UInt32(result.documents.count))
                frames.append(header.bytes)
                frames.append(contentsOf: result.documents)
            }
        case .failures(let failures):
            for failure in failures {
                var header = ByteWriter(capacity: 9)
                header.write(failure.taskId)
                header.write(UInt8(failure.retryable ? 1 : 0))
                frames += [header.bytes, failure.code.frame, failure.message.frame]
            }
        case .heartbeat:
            break
        case .disconnect(let reason):
            frames.append(reason.frame)
        case .error(let code, let message):
            frames += [code.frame, message.frame]
        }
        return frames
    }

    private var command: WorkerProtocol.Command {
        switch self {
        case .ready: .ready
        case .tasks: .tasks
        case .results: .result
        case .failures: .fail
        case .heartbeat: .heartbeat
        case .disconnect: .disconnect
        case .error: .error
        }
    }

    /// Decodes the frames after the envelope and the CTWP01 header.
    public static func decode(_ frames: ArraySlice<[UInt8]>) throws(WireError) -> WorkerMessage {
        guard let commandFrame = frames.first else { throw WireError(.malformed, "missing command frame") }
        guard commandFrame.count == 1 else { throw WireError(.malformed, "command frame must be one byte") }
        guard let command = WorkerProtocol.Command(rawValue: commandFrame[0]) else {
            throw WireError(.unknownCommand, "unknown worker command 0x\(String(commandFrame[0], radix: 16))")
        }
        let body = frames.dropFirst()
        switch command {
        case .ready:
            guard body.count == 3 else { throw WireError(.malformed, "READY needs name, kinds and credit frames") }
            let name = try String(frame: body[body.startIndex], field: "worker name")
            let kindList = try String(frame: body[body.startIndex + 1], field: "kinds")
            var credit = ByteReader(body[body.startIndex + 2], context: "READY credit")
            let value = try credit.readInteger(UInt32.self, field: "credit")
            try credit.expectEnd()
            let kinds = kindList.split(separator: ",").map(String.init)
            guard !name.isEmpty, name.utf8.count <= 255 else { throw WireError(.malformed, "worker name must be 1 to 255 bytes") }
            guard !kinds.isEmpty, kinds.allSatisfy(JobSpec.isValidKind) else {
                throw WireError(.malformed, "READY kinds '\(kindList)' is not a comma-separated list of kind names")
            }
            guard value > 0 else { throw WireError(.malformed, "READY credit must be at least 1") }
            return .ready(name: name, kinds: kinds, credit: value)
        case .tasks:
            guard !body.isEmpty, body.count.isMultiple(of: 2) else {
                throw WireError(.malformed, "TASKS needs header and payload frame pairs")
            }
            var tasks: [TaskAssignment] = []
            var index = body.startIndex
            while index < body.endIndex {
                var reader = ByteReader(body[index], context: "task header")
                let taskId = try reader.readInteger(UInt64.self, field: "task id")
                let attempt = try reader.readInteger(UInt16.self, field: "attempt")
                let kind = try reader.readString(lengthAs: UInt8.self, field: "kind")
                try reader.expectEnd()
                tasks.append(TaskAssignment(taskId: taskId, kind: kind, attempt: attempt, payload: body[index + 1]))
                index += 2
            }
            return .tasks(tasks)
        case .result:
            guard !body.isEmpty else { throw WireError(.malformed, "RESULT carries no result") }
            var results: [TaskResult] = []
            var index = body.startIndex
            while index < body.endIndex {
                var reader = ByteReader(body[index], context: "result header")
                let taskId = try reader.readInteger(UInt64.self, field: "task id")
                let flags = try reader.readInteger(UInt8.self, field: "result flags")
                let count = Int(try reader.readInteger(UInt32.self, field: "document count"))
                try reader.expectEnd()
                guard flags & ~1 == 0 else { throw WireError(.malformed, "RESULT for task \(taskId) has unknown flags") }
                guard count == 1 || flags == 1 else {
                    throw WireError(.malformed, "RESULT for task \(taskId): a single result carries exactly one document")
                }
                guard body.endIndex - (index + 1) >= count else {
                    throw WireError(.malformed, "RESULT for task \(taskId) announces \(count) documents, fewer frames follow")
                }
                let documents = Array(body[(index + 1)..<(index + 1 + count)])
                for document in documents where !ResultDocumentCheck.isSingleLineObject(document) {
                    throw WireError(.malformed, "RESULT for task \(taskId): a document is not a one-line JSON object")
                }
                results.append(TaskResult(taskId: taskId, documents: documents, isList: flags == 1))
                index += 1 + count
            }
            return .results(results)
        case .fail:
            guard !body.isEmpty, body.count.isMultiple(of: 3) else {
                throw WireError(.malformed, "FAIL needs header, code and message frame triples")
            }
            var failures: [TaskFailure] = []
            var index = body.startIndex
            while index < body.endIndex {
                var reader = ByteReader(body[index], context: "failure header")
                let taskId = try reader.readInteger(UInt64.self, field: "task id")
                let retryable = try reader.readInteger(UInt8.self, field: "retryable")
                try reader.expectEnd()
                failures.append(TaskFailure(
                    taskId: taskId, retryable: retryable != 0,
                    code: try String(frame: body[index + 1], field: "failure code"),
                    message: try String(frame: body[index + 2], field: "failure message")))
                index += 3
            }
            return .failures(failures)
        case .heartbeat:
            guard body.isEmpty else { throw WireError(.malformed, "HEARTBEAT takes no body") }
            return .heartbeat
        case .disconnect:
            guard body.count <= 1 else { throw WireError(.malformed, "DISCONNECT takes at most a reason frame") }
            return .disconnect(reason: try body.first.map { frame throws(WireError) in try String(frame: frame, field: "reason") } ?? "")
        case .error:
            guard body.count == 2 else { throw WireError(.malformed, "ERROR needs code and message frames") }
            return .error(code: try String(frame: body[body.startIndex], field: "error code"),
                          message: try String(frame: body[body.startIndex + 1], field: "error message"))
        }
    }
}

/// The cheap shape check the dispatcher applies to result documents before storing them.
///
/// The dispatcher never parses documents (that is the worker's business and would cost
/// the hot path), but one JSON Lines document must be exactly one line, and must look
/// like an object, or the store would be corrupt for every reader.
public enum ResultDocumentCheck {
    public static func isSingleLineObject(_ document: [UInt8]) -> Bool {
        guard document.first == UInt8(ascii: "{"), document.last == UInt8(ascii: "}") else { return false }
        return !document.contains(UInt8(ascii: "\n")) && !document.contains(UInt8(ascii: "\r"))
    }
}
