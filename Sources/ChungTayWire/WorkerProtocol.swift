/// The native worker protocol, CTWP01 (docs/PROTOCOL.md, section "Worker protocol").
///
/// Every message is `[CTWP01][command:1][body…]`. Tasks and results travel in batches —
/// one message may carry many — because per-message overhead, not bandwidth, bounds
/// throughput for small tasks.
public enum WorkerProtocol {
    public static let header: [UInt8] = Array("CTWP01".utf8)

    /// Most distinct kinds one worker may announce in READY (`too_many_kinds` beyond).
    public static let maxKindsPerWorker = 64

    public enum Command: UInt8, Sendable {
        case ready = 0x01
        case tasks = 0x02
        case result = 0x03
        case fail = 0x04
        case heartbeat = 0x05
        case disconnect = 0x06
        /// Worker → dispatcher: log records (`LogRecord`), one frame each.
        case log = 0x08
        case error = 0x7F
    }
}

/// The flags octet of a RESULT item's header (docs/PROTOCOL.md, "RESULT").
public struct ResultFlags: OptionSet, Equatable, Sendable {
    public let rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Bit 0: the documents are a list (possibly of one, or none); clear, exactly one document.
    public static let list = ResultFlags(rawValue: 1 << 0)
    /// Bit 1: an extras frame (keys, follow-ups, counters) and the follow-ups' payloads follow.
    public static let extras = ResultFlags(rawValue: 1 << 1)
    /// Bit 2: the documents travel as one frame of JSON Lines (`DocumentLines`) rather
    /// than a frame each.
    public static let packed = ResultFlags(rawValue: 1 << 2)

    /// Bit 3: an outbox frame follows (after the extras and their payloads): per document
    /// its `OutboxKey`, for the notifications the dispatcher records in its outbox.
    public static let outbox = ResultFlags(rawValue: 1 << 3)

    /// Every bit the protocol defines; an item with any other bit set is malformed.
    public static let defined: ResultFlags = [.list, .extras, .packed, .outbox]
}

/// A task as the dispatcher hands it to a worker.
public struct TaskAssignment: Equatable, Sendable {
    public var taskId: UInt64
    public var kind: String
    /// 1 for the first run; the worker may log it, handlers stay unaware.
    public var attempt: UInt16
    public var payload: [UInt8]
    /// The batch of the job, which the worker writes into every document it stores.
    public var batchId: String?

    public init(taskId: UInt64, kind: String, attempt: UInt16, payload: [UInt8], batchId: String? = nil) {
        self.taskId = taskId
        self.kind = kind
        self.attempt = attempt
        self.payload = payload
        self.batchId = batchId
    }
}

/// A finished task: the result documents (each one compact JSON object, one line) to store.
public struct TaskResult: Equatable, Sendable {
    public var taskId: UInt64
    public var lines: DocumentLines
    /// The handler returns a list (possibly of one, or none), not a single document, so
    /// readers show an array even when it holds one document.
    public var isList: Bool
    /// Per document, the key it is indexed by for lookups; empty, or one per document.
    public var keys: [String]
    /// Jobs to create in the same commit that stores this result (the next pipeline stage).
    /// They join the task's batch; only kind, payload and priority are used.
    public var followUps: [JobSpec]
    /// Amounts to add to the task's batch counters.
    public var counters: [Counter]
    /// Per document, its outbox key (`OutboxKey.none` for a document that is not a
    /// notification); empty, or one per document. Unlike the extras, it applies to any task.
    public var outbox: [OutboxKey]

    public init(
        taskId: UInt64, documents: [[UInt8]], isList: Bool, keys: [String] = [], followUps: [JobSpec] = [],
        counters: [Counter] = [], outbox: [OutboxKey] = []
    ) {
        self.init(
            taskId: taskId, lines: DocumentLines(documents), isList: isList, keys: keys, followUps: followUps, counters: counters,
            outbox: outbox)
    }

    public init(
        taskId: UInt64, lines: DocumentLines, isList: Bool, keys: [String] = [], followUps: [JobSpec] = [],
        counters: [Counter] = [], outbox: [OutboxKey] = []
    ) {
        self.taskId = taskId
        self.lines = lines
        self.isList = isList
        self.keys = keys
        self.followUps = followUps
        self.counters = counters
        self.outbox = outbox
    }

    /// The documents one by one, without their line feeds.
    public var documents: [[UInt8]] { lines.documents }

    /// How the reference worker sends this result: always packed.
    var flags: ResultFlags {
        var flags: ResultFlags = .packed
        if isList { flags.insert(.list) }
        if hasExtras { flags.insert(.extras) }
        if !outbox.isEmpty { flags.insert(.outbox) }
        return flags
    }

    /// Per document an outbox key (u16-length UTF-8, empty for none) and its expiry day
    /// (i32), after a u32 count equal to the document count.
    func encodeOutbox() -> [UInt8] {
        var writer = ByteWriter(capacity: 8 + outbox.count * 64)
        writer.write(UInt32(outbox.count))
        for key in outbox {
            writer.write(key.dedupKey, lengthAs: UInt16.self)
            writer.write(key.expiresOn)
        }
        return writer.bytes
    }

    mutating func decodeOutbox(_ frame: [UInt8]) throws(WireError) {
        var reader = ByteReader(frame, context: "result outbox")
        let count = Int(try reader.readInteger(UInt32.self, field: "outbox key count"))
        guard count == lines.count else {
            throw WireError(.malformed, "RESULT for task \(taskId) has \(count) outbox keys for \(lines.count) documents")
        }
        outbox.reserveCapacity(count)
        for _ in 0..<count {
            let key = try reader.readString(lengthAs: UInt16.self, field: "outbox key")
            guard key.utf8.count <= OutboxKey.maximumBytes else {
                throw WireError(.malformed, "RESULT for task \(taskId) has an outbox key over \(OutboxKey.maximumBytes) octets")
            }
            outbox.append(OutboxKey(dedupKey: key, expiresOn: try reader.readInteger(Int32.self, field: "outbox expiry")))
        }
        try reader.expectEnd()
    }

    var hasExtras: Bool { !keys.isEmpty || !followUps.isEmpty || !counters.isEmpty }

    /// Keys (u32 count + u16-length strings), follow-ups (u16 count + kind u8-length string
    /// and priority i16 each) and counters, in one frame; the follow-ups' payloads follow it.
    func encodeExtras() -> [UInt8] {
        var writer = ByteWriter(capacity: 64 + keys.count * 12)
        writer.write(UInt32(keys.count))
        for key in keys { writer.write(key, lengthAs: UInt16.self) }
        writer.write(UInt16(followUps.count))
        for job in followUps {
            writer.write(job.kind, lengthAs: UInt8.self)
            writer.write(job.priority)
        }
        writer.write(counters: counters)
        return writer.bytes
    }

    mutating func decodeExtras(_ frame: [UInt8], payloads: ArraySlice<[UInt8]>) throws(WireError) -> Int {
        var reader = ByteReader(frame, context: "result extras")
        let keyCount = Int(try reader.readInteger(UInt32.self, field: "key count"))
        guard keyCount == 0 || keyCount == lines.count else {
            throw WireError(.malformed, "RESULT for task \(taskId) has \(keyCount) keys for \(lines.count) documents")
        }
        keys.reserveCapacity(keyCount)
        for _ in 0..<keyCount { keys.append(try reader.readString(lengthAs: UInt16.self, field: "document key")) }
        let followUpCount = Int(try reader.readInteger(UInt16.self, field: "follow-up count"))
        guard payloads.count >= followUpCount else {
            throw WireError(.malformed, "RESULT for task \(taskId) announces \(followUpCount) follow-ups, fewer frames follow")
        }
        for index in 0..<followUpCount {
            let kind = try reader.readString(lengthAs: UInt8.self, field: "follow-up kind")
            let priority = try reader.readInteger(Int16.self, field: "follow-up priority")
            guard JobSpec.isValidKind(kind) else { throw WireError(.malformed, "follow-up kind '\(kind.prefix(utf8Bytes: WireError.maxEchoedBytes))' is not a valid kind name") }
            followUps.append(JobSpec(kind: kind, payload: payloads[payloads.startIndex + index], priority: priority))
        }
        counters = try reader.readCounters()
        try reader.expectEnd()
        return followUpCount
    }
}

/// A task that did not produce a result. `retryable` false sends it straight to the dead letters.
public struct TaskFailure: Error, Equatable, Sendable {
    /// Longest failure code: codes are short words of the error-code grammar (PROTOCOL.md).
    public static let maxCodeBytes = 64
    /// Longest failure message kept: it is stored in the journal and repeated in job
    /// documents and dead-letter lists, so a worker cannot make those grow without bound.
    public static let maxMessageBytes = 4096

    /// `message` cut to `maxMessageBytes` at a character boundary.
    public static func shortened(_ message: String) -> String {
        message.prefix(utf8Bytes: maxMessageBytes)
    }

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
    /// Either way; a native worker's carries its figures (the dispatcher's and an older
    /// worker's carry none).
    case heartbeat(WorkerStats?)
    case disconnect(reason: String)
    /// Worker → dispatcher: log records for the log bus, at most
    /// `LogProtocol.maxRecordsPerMessage` records and `LogProtocol.maxBytesPerMessage` bytes.
    case log([LogRecord])

    /// The DISCONNECT reason of a worker that stops on SIGTERM after its running tasks;
    /// the dispatcher's own reasons are error codes (`WireError.Code`).
    public static let drainingReason = "draining"
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
                if let batchId = task.batchId { header.write(batchId, lengthAs: UInt8.self) }
                frames.append(header.bytes)
                frames.append(task.payload)
            }
        case .results(let results):
            for result in results {
                var header = ByteWriter(capacity: 13)
                header.write(result.taskId)
                header.write(result.flags.rawValue)
                header.write(UInt32(result.lines.count))
                frames.append(header.bytes)
                frames.append(result.lines.bytes)
                if result.hasExtras {
                    frames.append(result.encodeExtras())
                    frames.append(contentsOf: result.followUps.map(\.payload))
                }
                if !result.outbox.isEmpty { frames.append(result.encodeOutbox()) }
            }
        case .failures(let failures):
            for failure in failures {
                var header = ByteWriter(capacity: 9)
                header.write(failure.taskId)
                header.write(UInt8(failure.retryable ? 1 : 0))
                frames += [header.bytes, failure.code.frame, failure.message.frame]
            }
        case .heartbeat(let stats):
            if let stats { frames.append(stats.encoded()) }
        case .disconnect(let reason):
            frames.append(reason.frame)
        case .log(let records):
            frames += records.map { $0.encode() }
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
        case .log: .log
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
            // Each kind once, in the order announced (linear, whatever the frame repeats).
            var announced: Set<Substring> = []
            let kinds = kindList.split(separator: ",").filter { announced.insert($0).inserted }.map(String.init)
            guard !name.isEmpty, name.utf8.count <= 255 else { throw WireError(.malformed, "worker name must be 1 to 255 bytes") }
            guard !kinds.isEmpty, kinds.allSatisfy(JobSpec.isValidKind) else {
                throw WireError(.malformed, "READY kinds '\(kindList.prefix(utf8Bytes: WireError.maxEchoedBytes))' is not a comma-separated list of kind names")
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
                let batchId = reader.isAtEnd ? nil : try reader.readString(lengthAs: UInt8.self, field: "batch id")
                try reader.expectEnd()
                tasks.append(TaskAssignment(taskId: taskId, kind: kind, attempt: attempt, payload: body[index + 1], batchId: batchId))
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
                let flags = ResultFlags(rawValue: try reader.readInteger(UInt8.self, field: "result flags"))
                let count = Int(try reader.readInteger(UInt32.self, field: "document count"))
                try reader.expectEnd()
                guard ResultFlags.defined.isSuperset(of: flags) else {
                    throw WireError(.malformed, "RESULT for task \(taskId) has unknown flags")
                }
                let isList = flags.contains(.list)
                guard count == 1 || isList else {
                    throw WireError(.malformed, "RESULT for task \(taskId): a single result carries exactly one document")
                }
                let lines: DocumentLines
                if flags.contains(.packed) {
                    guard index + 1 < body.endIndex else {
                        throw WireError(.malformed, "RESULT for task \(taskId) lacks its documents frame")
                    }
                    lines = try DocumentLines.validated(body[index + 1], count: count, context: "RESULT for task \(taskId)")
                    index += 2
                } else {
                    guard body.endIndex - (index + 1) >= count else {
                        throw WireError(.malformed, "RESULT for task \(taskId) announces \(count) documents, fewer frames follow")
                    }
                    let documents = Array(body[(index + 1)..<(index + 1 + count)])
                    for document in documents where !ResultDocumentCheck.isSingleLineObject(document) {
                        throw WireError(.malformed, "RESULT for task \(taskId): a document is not a one-line JSON object")
                    }
                    lines = DocumentLines(documents)
                    index += 1 + count
                }
                var result = TaskResult(taskId: taskId, lines: lines, isList: isList)
                if flags.contains(.extras) {
                    guard index < body.endIndex else { throw WireError(.malformed, "RESULT for task \(taskId) lacks its extras frame") }
                    index += 1 + (try result.decodeExtras(body[index], payloads: body[(index + 1)...]))
                }
                if flags.contains(.outbox) {
                    guard index < body.endIndex else { throw WireError(.malformed, "RESULT for task \(taskId) lacks its outbox frame") }
                    try result.decodeOutbox(body[index])
                    index += 1
                }
                results.append(result)
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
                let code = body[index + 1]
                guard (1...TaskFailure.maxCodeBytes).contains(code.count),
                      code.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "_") }) else {
                    throw WireError(.malformed, "a failure code is 1 to \(TaskFailure.maxCodeBytes) octets of a-z and _")
                }
                let message = try String(frame: body[index + 2], field: "failure message")
                failures.append(TaskFailure(
                    taskId: taskId, retryable: retryable != 0, code: String(decoding: code, as: UTF8.self),
                    message: TaskFailure.shortened(message)))
                index += 3
            }
            return .failures(failures)
        case .heartbeat:
            guard body.count <= 1 else { throw WireError(.malformed, "HEARTBEAT takes at most a stats frame") }
            return .heartbeat(try body.first.map { frame throws(WireError) in try WorkerStats(frame: frame) })
        case .disconnect:
            guard body.count <= 1 else { throw WireError(.malformed, "DISCONNECT takes at most a reason frame") }
            return .disconnect(reason: try body.first.map { frame throws(WireError) in try String(frame: frame, field: "reason") } ?? "")
        case .log:
            return .log(try LogRecord.decodeBatch(body))
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
        return document.withUnsafeBytes { LineBreaks.first(in: $0, from: 0) == nil }
    }
}
