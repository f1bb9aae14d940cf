/// The log bus protocol, CTLP01 (docs/PROTOCOL.md, section "Log protocol"), spoken on the
/// dispatcher's log endpoint (a ROUTER) by subscribers (DEALERs).
///
/// Every message is `[CTLP01][command:1][body…]`.
public enum LogProtocol {
    public static let header: [UInt8] = Array("CTLP01".utf8)

    /// Records the dispatcher keeps for late joiners.
    public static let ringCapacity = 10_000
    /// Most records in one RECORDS (or worker LOG) message.
    public static let maxRecordsPerMessage = 256
    /// Most encoded record bytes in one RECORDS (or worker LOG) message.
    public static let maxBytesPerMessage = 256 << 10
    /// Seconds between heartbeats, both ways.
    public static let heartbeatInterval = 1.0
    /// Heartbeat intervals a subscriber may stay silent before the dispatcher forgets it.
    public static let heartbeatLiveness = 5

    public enum Command: UInt8, Sendable {
        /// Subscriber → dispatcher: filter, tail count, follow flag.
        case subscribe = 0x01
        /// Both ways: still here.
        case heartbeat = 0x02
        /// Subscriber → dispatcher: stop sending.
        case cancel = 0x03
        /// Dispatcher → subscriber: records, one frame each.
        case records = 0x10
        /// Dispatcher → subscriber: the tail is complete; without follow, nothing more comes.
        case tailEnd = 0x11
        /// Dispatcher → subscriber.
        case error = 0x7F
    }
}

/// A subscriber's request.
public struct LogSubscriptionRequest: Equatable, Sendable {
    public var filter: LogFilter
    /// How many of the latest matching records to send first (at most the ring's capacity).
    public var tail: UInt32
    /// Whether to stream matching records as they arrive after the tail.
    public var follow: Bool

    public init(filter: LogFilter, tail: UInt32, follow: Bool) {
        self.filter = filter
        self.tail = tail
        self.follow = follow
    }
}

public enum LogMessage: Equatable, Sendable {
    case subscribe(LogSubscriptionRequest)
    case heartbeat
    case cancel
    case records([LogRecord])
    case tailEnd
    case error(code: String, message: String)

    public func encode() -> [[UInt8]] {
        var frames: [[UInt8]] = [LogProtocol.header]
        switch self {
        case .subscribe(let request):
            var options = ByteWriter(capacity: 5)
            options.write(request.tail)
            options.write(UInt8(request.follow ? 1 : 0))
            frames += [[LogProtocol.Command.subscribe.rawValue], request.filter.encode(), options.bytes]
        case .heartbeat:
            frames.append([LogProtocol.Command.heartbeat.rawValue])
        case .cancel:
            frames.append([LogProtocol.Command.cancel.rawValue])
        case .records(let records):
            frames.append([LogProtocol.Command.records.rawValue])
            frames += records.map { $0.encode() }
        case .tailEnd:
            frames.append([LogProtocol.Command.tailEnd.rawValue])
        case .error(let code, let message):
            frames += [[LogProtocol.Command.error.rawValue], code.frame, message.frame]
        }
        return frames
    }

    /// Decodes the frames after the envelope (the header included).
    public static func decode(_ frames: ArraySlice<[UInt8]>) throws(WireError) -> LogMessage {
        guard frames.first == LogProtocol.header else { throw WireError(.unsupportedProtocol, "expected a CTLP01 header frame") }
        let rest = frames.dropFirst()
        guard let commandFrame = rest.first, commandFrame.count == 1 else { throw WireError(.malformed, "command frame must be one byte") }
        guard let command = LogProtocol.Command(rawValue: commandFrame[0]) else {
            throw WireError(.unknownCommand, "unknown log command 0x\(String(commandFrame[0], radix: 16))")
        }
        let body = rest.dropFirst()
        switch command {
        case .subscribe:
            guard body.count == 2 else { throw WireError(.malformed, "SUBSCRIBE needs filter and options frames") }
            let filter = try LogFilter.decode(body[body.startIndex])
            var options = ByteReader(body[body.startIndex + 1], context: "SUBSCRIBE options")
            let tail = try options.readInteger(UInt32.self, field: "tail")
            let follow = try options.readInteger(UInt8.self, field: "follow")
            try options.expectEnd()
            guard follow <= 1 else { throw WireError(.malformed, "SUBSCRIBE follow must be 0 or 1") }
            return .subscribe(LogSubscriptionRequest(filter: filter, tail: tail, follow: follow == 1))
        case .heartbeat, .cancel, .tailEnd:
            guard body.isEmpty else { throw WireError(.malformed, "this log command takes no body") }
            return command == .heartbeat ? .heartbeat : command == .cancel ? .cancel : .tailEnd
        case .records:
            // One record a subscriber cannot read (a newer dispatcher's, or one cut wrong)
            // costs that record, not the subscription.
            guard body.count <= LogProtocol.maxRecordsPerMessage else {
                throw WireError(.malformed, "RECORDS carries at most \(LogProtocol.maxRecordsPerMessage) records")
            }
            return .records(body.compactMap { try? LogRecord.decode($0) })
        case .error:
            guard body.count == 2 else { throw WireError(.malformed, "ERROR needs code and message frames") }
            return .error(code: try String(frame: body[body.startIndex], field: "error code"),
                          message: try String(frame: body[body.startIndex + 1], field: "error message"))
        }
    }
}

extension LogRecord {
    /// The records of a worker's LOG body: one frame each, 1 to `maxRecordsPerMessage`
    /// records of at most `maxBytesPerMessage` bytes in all.
    static func decodeBatch(_ frames: ArraySlice<[UInt8]>) throws(WireError) -> [LogRecord] {
        guard !frames.isEmpty, frames.count <= LogProtocol.maxRecordsPerMessage else {
            throw WireError(.malformed, "a log message carries 1 to \(LogProtocol.maxRecordsPerMessage) records")
        }
        var total = 0
        for frame in frames {
            total += frame.count
            guard total <= LogProtocol.maxBytesPerMessage else {
                throw WireError(.malformed, "a log message carries at most \(LogProtocol.maxBytesPerMessage) bytes of records")
            }
        }
        var records: [LogRecord] = []
        records.reserveCapacity(frames.count)
        for frame in frames { records.append(try LogRecord.decode(frame)) }
        return records
    }
}
