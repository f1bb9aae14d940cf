/// The native client protocol, CTCP01 (docs/PROTOCOL.md, section "Client protocol").
///
/// Every message is `[CTCP01][command:1][request-id:8][body…]`. The request id is the
/// client's own correlation number, echoed in the reply, so a DEALER client can keep
/// several requests in flight and match replies without ordering assumptions.
public enum ClientProtocol {
    public static let header: [UInt8] = Array("CTCP01".utf8)

    /// Most job ids one WAIT may list (`too_large` beyond), so one request cannot make the
    /// dispatcher hold or answer for millions of jobs; the reference client waits in slices of this size.
    public static let maxWaitIds = 1000

    /// Most dead letters one RETRY-DEAD-LETTERS requeues, and most ids it may list (`too_large`
    /// beyond), so that one request is a short transaction and cannot hold up heartbeats; a
    /// client requeuing all repeats the request while RETRIED reports this many, and the
    /// reference client sends listed ids in slices of this size.
    public static let retryLimit = 10_000

    /// Longest a BATCH-STATUS may ask the dispatcher to hold its answer (milliseconds;
    /// `malformed` beyond): long enough that following a batch costs a request every
    /// minute at most, short enough that a reply lost to a dispatcher restart is asked for
    /// again soon.
    public static let maxBatchStatusWaitMilliseconds: UInt32 = 60_000

    public enum Command: UInt8, Sendable {
        case submit = 0x01
        case job = 0x02
        case wait = 0x03
        case status = 0x04
        case deadLetters = 0x05
        case retryDeadLetters = 0x06
        case batchOpen = 0x07
        case batchSeal = 0x08
        case batchStatus = 0x09
        case batchList = 0x0A
        case results = 0x0B
        /// A request made on behalf of another principal (`ClientMessage.principal`): it wraps
        /// the request's own command, which follows the principal frame.
        case onBehalf = 0x0C
        case accepted = 0x81
        case jobInfo = 0x82
        case waitDone = 0x83
        case statusReport = 0x84
        case deadLetterList = 0x85
        case retried = 0x86
        case batchInfo = 0x87
        case documents = 0x88
        case error = 0xFF
    }
}

public enum ClientRequest: Equatable, Sendable {
    case submit([JobSpec])
    case job(UInt64)
    /// Reply once every listed job has reached a final state (completed or dead).
    case wait([UInt64])
    case status
    case deadLetters
    /// Requeue the listed dead letters, or all of them when the list is empty.
    case retryDeadLetters([UInt64])
    /// Open a batch, or find the open batch of that name to resume it.
    case batchOpen(BatchOpening)
    /// The client has submitted every chunk of the batch.
    case batchSeal(BatchSealing)
    /// A batch by id or by name. With `waitMilliseconds`, a long-poll: the dispatcher answers
    /// when the batch completes or once that long has passed, whichever is first, so a client
    /// following a batch learns of its completion at once without polling.
    case batchStatus(String, waitMilliseconds: UInt32? = nil)
    case batchList
    /// The stored documents indexed under a key (a household code), optionally of one batch
    /// only; `requestedBy` (the client's OS user and host) goes to the dispatcher's audit trail.
    case results(key: String, batchId: String?, requestedBy: String? = nil)
}

/// Whether a submitted job was new or matched an earlier job's idempotency key.
public struct SubmitReceipt: Equatable, Sendable {
    public var jobId: UInt64
    public var existed: Bool

    public init(jobId: UInt64, existed: Bool) {
        self.jobId = jobId
        self.existed = existed
    }
}

public enum ClientReply: Equatable, Sendable {
    case accepted([SubmitReceipt])
    /// A JSON document: `{"id","kind","state","attempts","result",…}`.
    case jobInfo([UInt8])
    /// One JSON job document per waited job, in request order.
    case waitDone([[UInt8]])
    case statusReport([UInt8])
    case deadLetterList([UInt8])
    case retried(count: UInt64)
    /// A batch's status object, or for BATCH-LIST an array of them (JSON).
    case batchInfo([UInt8])
    /// Stored documents, one JSON object per frame.
    case documents([[UInt8]])
    case error(code: String, message: String)
}

public struct ClientMessage<Body: Equatable & Sendable>: Equatable, Sendable {
    public var requestId: UInt64
    public var body: Body
    /// For a request: the principal (`clients/NAME` or `operators/NAME`) it is made for, when a
    /// gateway such as the HTTP API makes it for its own caller. The dispatcher honours it only
    /// from an operator's connection, and then checks the request as that principal's: so a
    /// caller of the gateway gets exactly the rights and ownership its own key would.
    public var principal: String?

    public init(requestId: UInt64, body: Body, principal: String? = nil) {
        self.requestId = requestId
        self.body = body
        self.principal = principal
    }
}

/// What a delegated principal may be: a client's or an operator's name as an allow directory
/// spells it, never a worker's (a gateway submits and reads; it does not serve).
public enum DelegatedPrincipal {
    public static let maxNameLength = 64
    /// `operators/` and the longest name.
    static let maxLength = "operators/".utf8.count + maxNameLength

    /// Whether `text` is `clients/NAME` or `operators/NAME` with NAME of 1 to 64 bytes of
    /// `[A-Za-z0-9._-]`, not starting with a dot.
    public static func isValid(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2, let role = String(parts[0]), role == "clients" || role == "operators" else { return false }
        let name = parts[1]
        // A leading dot is refused as the allow directory refuses such file names.
        return (1...maxNameLength).contains(name.count) && name.first != UInt8(ascii: ".") && name.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): true
            default: false
            }
        }
    }
}

extension ClientMessage where Body == ClientRequest {
    public func encode() -> [[UInt8]] {
        var frames: [[UInt8]]
        if let principal {
            frames = ClientProtocol.frameHead(.onBehalf, requestId) + [principal.frame, [command().rawValue]]
        } else {
            frames = ClientProtocol.frameHead(command(), requestId)
        }
        switch body {
        case .submit(let jobs):
            for job in jobs {
                frames.append(job.encodeHeader())
                frames.append(job.payload)
            }
        case .job(let id):
            frames.append(IdList.encode([id]))
        case .wait(let ids), .retryDeadLetters(let ids):
            frames.append(IdList.encode(ids))
        case .status, .deadLetters, .batchList:
            break
        case .batchOpen(let opening):
            frames.append(BatchControl.encode(opening))
        case .batchSeal(let sealing):
            frames.append(BatchControl.encode(sealing))
        case .batchStatus(let reference, let waitMilliseconds):
            frames.append(reference.frame)
            if let waitMilliseconds {
                var writer = ByteWriter(capacity: 4)
                writer.write(waitMilliseconds)
                frames.append(writer.bytes)
            }
        case .results(let key, let batchId, let requestedBy):
            frames += [key.frame, (batchId ?? "").frame]
            if let requestedBy { frames.append(requestedBy.frame) }
        }
        return frames
    }

    private func command() -> ClientProtocol.Command {
        switch body {
        case .submit: .submit
        case .job: .job
        case .wait: .wait
        case .status: .status
        case .deadLetters: .deadLetters
        case .retryDeadLetters: .retryDeadLetters
        case .batchOpen: .batchOpen
        case .batchSeal: .batchSeal
        case .batchStatus: .batchStatus
        case .batchList: .batchList
        case .results: .results
        }
    }

    /// Decodes the frames after the envelope. The protocol header has already been matched.
    public static func decode(_ frames: ArraySlice<[UInt8]>) throws(WireError) -> Self {
        let (command, requestId, body) = try ClientProtocol.splitHead(frames)
        guard command == .onBehalf else { return try decode(command, requestId: requestId, body: body) }
        guard body.count >= 2 else { throw WireError(.malformed, "ON-BEHALF needs a principal and a command frame") }
        let principalFrame = body[body.startIndex]
        guard principalFrame.count <= DelegatedPrincipal.maxLength,
              let principal = String(validating: principalFrame, as: UTF8.self), DelegatedPrincipal.isValid(principal)
        else {
            throw WireError(.malformed, "ON-BEHALF principal must be clients/NAME or operators/NAME")
        }
        let commandFrame = body[body.startIndex + 1]
        guard commandFrame.count == 1, let wrapped = ClientProtocol.Command(rawValue: commandFrame[0]), wrapped != .onBehalf else {
            throw WireError(.malformed, "ON-BEHALF wraps one request command")
        }
        var message = try decode(wrapped, requestId: requestId, body: body.dropFirst(2))
        message.principal = principal
        return message
    }

    private static func decode(_ command: ClientProtocol.Command, requestId: UInt64, body: ArraySlice<[UInt8]>) throws(WireError) -> Self {
        switch command {
        case .submit:
            guard !body.isEmpty, body.count.isMultiple(of: 2) else {
                throw WireError(.malformed, "SUBMIT needs header and payload frame pairs, got \(body.count) frames")
            }
            var jobs: [JobSpec] = []
            jobs.reserveCapacity(body.count / 2)
            var index = body.startIndex
            while index < body.endIndex {
                jobs.append(try JobSpec.decode(header: body[index], payload: body[index + 1]))
                index += 2
            }
            return Self(requestId: requestId, body: .submit(jobs))
        case .job:
            let ids = try IdList.decode(try ClientProtocol.single(body, "JOB"))
            guard ids.count == 1 else { throw WireError(.malformed, "JOB takes exactly one job id") }
            return Self(requestId: requestId, body: .job(ids[0]))
        case .wait:
            return Self(requestId: requestId, body: .wait(try ClientProtocol.cappedIds(body, "WAIT", limit: ClientProtocol.maxWaitIds)))
        case .status:
            try ClientProtocol.none(body, "STATUS")
            return Self(requestId: requestId, body: .status)
        case .deadLetters:
            try ClientProtocol.none(body, "DEAD-LETTERS")
            return Self(requestId: requestId, body: .deadLetters)
        case .retryDeadLetters:
            let ids = try ClientProtocol.cappedIds(body, "RETRY-DEAD-LETTERS", limit: ClientProtocol.retryLimit)
            return Self(requestId: requestId, body: .retryDeadLetters(ids))
        case .batchOpen:
            let opening = try BatchControl.decode(BatchOpening.self, try ClientProtocol.single(body, "BATCH-OPEN"))
            try opening.validate()
            return Self(requestId: requestId, body: .batchOpen(opening))
        case .batchSeal:
            let sealing = try BatchControl.decode(BatchSealing.self, try ClientProtocol.single(body, "BATCH-SEAL"))
            try sealing.validate()
            return Self(requestId: requestId, body: .batchSeal(sealing))
        case .batchStatus:
            guard body.count == 1 || body.count == 2 else {
                throw WireError(.malformed, "BATCH-STATUS takes a batch id or name frame and optionally a wait frame, got \(body.count)")
            }
            let reference = try String(frame: body[body.startIndex], field: "batch id or name")
            guard body.count == 2 else { return Self(requestId: requestId, body: .batchStatus(reference)) }
            var reader = ByteReader(body[body.startIndex + 1], context: "BATCH-STATUS wait")
            let milliseconds = try reader.readInteger(UInt32.self, field: "milliseconds")
            try reader.expectEnd()
            guard milliseconds <= ClientProtocol.maxBatchStatusWaitMilliseconds else {
                throw WireError(.malformed, "BATCH-STATUS may wait at most \(ClientProtocol.maxBatchStatusWaitMilliseconds) ms, not \(milliseconds)")
            }
            return Self(requestId: requestId, body: .batchStatus(reference, waitMilliseconds: milliseconds))
        case .batchList:
            try ClientProtocol.none(body, "BATCH-LIST")
            return Self(requestId: requestId, body: .batchList)
        case .results:
            guard body.count == 2 || body.count == 3 else {
                throw WireError(.malformed, "RESULTS needs key and batch id frames (and optionally the requester)")
            }
            let key = try String(frame: body[body.startIndex], field: "key")
            let batchId = try String(frame: body[body.startIndex + 1], field: "batch id")
            guard !key.isEmpty, key.utf8.count <= 1024 else { throw WireError(.malformed, "RESULTS key must be 1 to 1024 bytes") }
            var requestedBy: String?
            if body.count == 3 {
                requestedBy = try String(frame: body[body.startIndex + 2], field: "requester")
                guard body[body.startIndex + 2].count <= BatchOpening.maxSubmitterLength else {
                    throw WireError(.malformed, "RESULTS requester must be at most \(BatchOpening.maxSubmitterLength) bytes")
                }
            }
            return Self(requestId: requestId, body: .results(key: key, batchId: batchId.isEmpty ? nil : batchId, requestedBy: requestedBy))
        default:
            throw WireError(.unknownCommand, "command 0x\(String(command.rawValue, radix: 16)) is a reply, not a request")
        }
    }
}

extension ClientMessage where Body == ClientReply {
    public func encode() -> [[UInt8]] {
        switch body {
        case .accepted(let receipts):
            var frames = ClientProtocol.frameHead(.accepted, requestId)
            frames.append(IdList.encode(receipts.map(\.jobId)))
            frames.append(receipts.map { $0.existed ? 1 : 0 })
            return frames
        case .jobInfo(let json):
            return ClientProtocol.frameHead(.jobInfo, requestId) + [json]
        case .waitDone(let documents):
            return ClientProtocol.frameHead(.waitDone, requestId) + documents
        case .statusReport(let json):
            return ClientProtocol.frameHead(.statusReport, requestId) + [json]
        case .deadLetterList(let json):
            return ClientProtocol.frameHead(.deadLetterList, requestId) + [json]
        case .retried(let count):
            return ClientProtocol.frameHead(.retried, requestId) + [IdList.encode([count])]
        case .batchInfo(let json):
            return ClientProtocol.frameHead(.batchInfo, requestId) + [json]
        case .documents(let documents):
            return ClientProtocol.frameHead(.documents, requestId) + documents
        case .error(let code, let message):
            return ClientProtocol.frameHead(.error, requestId) + [code.frame, message.frame]
        }
    }

    /// Decodes a reply; the caller has already removed any envelope.
    public static func decode(_ frames: [[UInt8]]) throws(WireError) -> Self {
        guard frames.first == ClientProtocol.header else {
            throw WireError(.unsupportedProtocol, "reply does not start with CTCP01")
        }
        let (command, requestId, body) = try ClientProtocol.splitHead(frames.dropFirst())
        switch command {
        case .accepted:
            guard body.count == 2 else { throw WireError(.malformed, "ACCEPTED needs 2 frames") }
            let ids = try IdList.decode(body[body.startIndex])
            let flags = body[body.startIndex + 1]
            guard flags.count == ids.count else { throw WireError(.malformed, "ACCEPTED id and flag counts differ") }
            return Self(requestId: requestId, body: .accepted(zip(ids, flags).map { SubmitReceipt(jobId: $0, existed: $1 != 0) }))
        case .jobInfo:
            return Self(requestId: requestId, body: .jobInfo(try ClientProtocol.single(body, "JOB-INFO")))
        case .waitDone:
            return Self(requestId: requestId, body: .waitDone(Array(body)))
        case .statusReport:
            return Self(requestId: requestId, body: .statusReport(try ClientProtocol.single(body, "STATUS-REPORT")))
        case .deadLetterList:
            return Self(requestId: requestId, body: .deadLetterList(try ClientProtocol.single(body, "DEAD-LETTER-LIST")))
        case .retried:
            let counts = try IdList.decode(try ClientProtocol.single(body, "RETRIED"))
            guard counts.count == 1 else { throw WireError(.malformed, "RETRIED carries one count") }
            return Self(requestId: requestId, body: .retried(count: counts[0]))
        case .batchInfo:
            return Self(requestId: requestId, body: .batchInfo(try ClientProtocol.single(body, "BATCH-INFO")))
        case .documents:
            return Self(requestId: requestId, body: .documents(Array(body)))
        case .error:
            guard body.count == 2 else { throw WireError(.malformed, "ERROR needs code and message frames") }
            return Self(requestId: requestId, body: .error(
                code: try String(frame: body[body.startIndex], field: "error code"),
                message: try String(frame: body[body.startIndex + 1], field: "error message")))
        default:
            throw WireError(.unknownCommand, "command 0x\(String(command.rawValue, radix: 16)) is a request, not a reply")
        }
    }
}

extension ClientProtocol {
    static func frameHead(_ command: Command, _ requestId: UInt64) -> [[UInt8]] {
        [header, [command.rawValue], IdList.encode([requestId])]
    }

    /// Splits `[command][request-id][body…]` (the header frame already removed).
    static func splitHead(_ frames: ArraySlice<[UInt8]>) throws(WireError) -> (Command, UInt64, ArraySlice<[UInt8]>) {
        guard frames.count >= 2 else { throw WireError(.malformed, "missing command or request id frame") }
        let commandFrame = frames[frames.startIndex]
        guard commandFrame.count == 1 else { throw WireError(.malformed, "command frame must be one byte") }
        guard let command = Command(rawValue: commandFrame[0]) else {
            throw WireError(.unknownCommand, "unknown command 0x\(String(commandFrame[0], radix: 16))")
        }
        let idFrame = frames[frames.startIndex + 1]
        guard idFrame.count == 8 else { throw WireError(.malformed, "request id frame must be 8 bytes") }
        return (command, try IdList.decode(idFrame)[0], frames.dropFirst(2))
    }

    static func single(_ body: ArraySlice<[UInt8]>, _ name: String) throws(WireError) -> [UInt8] {
        guard body.count == 1, let frame = body.first else {
            throw WireError(.malformed, "\(name) takes exactly one body frame, got \(body.count)")
        }
        return frame
    }

    /// The one id-list frame of `name`, refused as `too_large` beyond `limit` ids on the
    /// frame's length, before a list of millions is decoded (or reaches the journal).
    static func cappedIds(_ body: ArraySlice<[UInt8]>, _ name: String, limit: Int) throws(WireError) -> [UInt64] {
        let frame = try single(body, name)
        guard frame.count / 8 <= limit else {
            throw WireError(.tooLarge, "\(name) lists \(frame.count / 8) job ids, at most \(limit) are allowed")
        }
        return try IdList.decode(frame)
    }

    static func none(_ body: ArraySlice<[UInt8]>, _ name: String) throws(WireError) {
        guard body.isEmpty else { throw WireError(.malformed, "\(name) takes no body frames") }
    }

    /// The error reply sent when a message cannot even be parsed far enough to read its request id.
    public static func errorReply(_ error: WireError, requestId: UInt64 = 0) -> [[UInt8]] {
        ClientMessage<ClientReply>(requestId: requestId, body: .error(code: error.code.rawValue, message: error.message)).encode()
    }
}

/// A frame of big-endian u64 values: job ids, or a single count.
public enum IdList {
    public static func encode(_ ids: [UInt64]) -> [UInt8] {
        var writer = ByteWriter(capacity: ids.count * 8)
        for id in ids { writer.write(id) }
        return writer.bytes
    }

    public static func decode(_ frame: [UInt8]) throws(WireError) -> [UInt64] {
        guard frame.count.isMultiple(of: 8) else {
            throw WireError(.malformed, "id list frame length \(frame.count) is not a multiple of 8")
        }
        var reader = ByteReader(frame, context: "id list")
        var ids: [UInt64] = []
        ids.reserveCapacity(frame.count / 8)
        while !reader.isAtEnd { ids.append(try reader.readInteger(UInt64.self, field: "id")) }
        return ids
    }
}
