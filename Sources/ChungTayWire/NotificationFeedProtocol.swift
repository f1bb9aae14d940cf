/// The notification feed protocol, CTNP01 (docs/PROTOCOL.md, section "Notification feed
/// protocol"), spoken on the dispatcher's feed endpoint (a ROUTER) by subscribers (DEALERs):
/// every notification that was not suppressed, at least once, acknowledged by id against a
/// durable cursor per subscriber name.
///
/// Every message is `[CTNP01][command:1][body…]`.
public enum NotificationFeedProtocol {
    public static let header: [UInt8] = Array("CTNP01".utf8)

    /// Most notifications a subscriber may hold unacknowledged; a larger HELLO window is cut to it.
    public static let maxWindow = 1000
    /// Most ids in one ACK: a subscriber never holds more unacknowledged.
    public static let maxIdsPerAck = maxWindow
    /// Most notifications in one NOTIFICATIONS message.
    public static let maxNotificationsPerMessage = 256
    /// Most document bytes in one NOTIFICATIONS message, unless it carries a single
    /// notification: a document larger than this still travels, alone.
    public static let maxBytesPerMessage = 1 << 20
    /// Largest document the feed sends (the worker refuses results over 8 MiB, so no stored
    /// notification comes near it).
    public static let maxDocumentBytes = 16 << 20
    /// Longest subscriber name.
    public static let maxNameBytes = 64
    /// Seconds between heartbeats, both ways.
    public static let heartbeatInterval = 1.0
    /// Heartbeat intervals either side may stay silent before the other presumes it gone.
    public static let heartbeatLiveness = 5

    public enum Command: UInt8, Sendable {
        /// Subscriber → feed: name and window; starts (or restarts) the session.
        case hello = 0x01
        /// Subscriber → feed: ids it has processed.
        case ack = 0x02
        /// Both ways: still here (from the feed, with the durable cursor).
        case heartbeat = 0x03
        /// Subscriber → feed: leaving; its unacknowledged notifications wait for its next HELLO.
        case goodbye = 0x04
        /// Feed → subscriber: the session is open, from this cursor, with this window.
        case welcome = 0x10
        /// Feed → subscriber: notifications, as (id, document) frame pairs.
        case notifications = 0x11
        /// Feed → subscriber.
        case error = 0x7F
    }

    /// Whether `name` is a subscriber name: 1 to 64 of `a-z`, `0-9`, `.`, `_`, `-`.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= maxNameBytes else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}

/// One notification on the feed: its outbox id and its stored document (one JSON object, no LF).
public struct FeedNotification: Equatable, Sendable {
    /// Increasing in the order the dispatcher committed the notifications.
    public var id: UInt64
    public var document: [UInt8]

    public init(id: UInt64, document: [UInt8]) {
        self.id = id
        self.document = document
    }
}

public enum FeedMessage: Equatable, Sendable {
    case hello(subscriber: String, window: UInt16)
    case ack([UInt64])
    /// From the feed with `cursor` (every notification up to it is acknowledged, durably);
    /// from a subscriber without.
    case heartbeat(cursor: UInt64?)
    case goodbye
    case welcome(cursor: UInt64, window: UInt16)
    case notifications([FeedNotification])
    case error(code: String, message: String)

    public func encode() -> [[UInt8]] {
        var frames: [[UInt8]] = [NotificationFeedProtocol.header]
        switch self {
        case .hello(let subscriber, let window):
            var options = ByteWriter(capacity: 2)
            options.write(window)
            frames += [[NotificationFeedProtocol.Command.hello.rawValue], subscriber.frame, options.bytes]
        case .ack(let ids):
            frames += [[NotificationFeedProtocol.Command.ack.rawValue], IdList.encode(ids)]
        case .heartbeat(let cursor):
            frames.append([NotificationFeedProtocol.Command.heartbeat.rawValue])
            if let cursor { frames.append(IdList.encode([cursor])) }
        case .goodbye:
            frames.append([NotificationFeedProtocol.Command.goodbye.rawValue])
        case .welcome(let cursor, let window):
            var body = ByteWriter(capacity: 10)
            body.write(cursor)
            body.write(window)
            frames += [[NotificationFeedProtocol.Command.welcome.rawValue], body.bytes]
        case .notifications(let notifications):
            frames.append([NotificationFeedProtocol.Command.notifications.rawValue])
            for notification in notifications {
                frames.append(IdList.encode([notification.id]))
                frames.append(notification.document)
            }
        case .error(let code, let message):
            frames += [[NotificationFeedProtocol.Command.error.rawValue], code.frame, message.frame]
        }
        return frames
    }

    /// Decodes the frames after the envelope (the header included).
    public static func decode(_ frames: ArraySlice<[UInt8]>) throws(WireError) -> FeedMessage {
        guard frames.first == NotificationFeedProtocol.header else {
            throw WireError(.unsupportedProtocol, "expected a CTNP01 header frame")
        }
        let rest = frames.dropFirst()
        guard let commandFrame = rest.first, commandFrame.count == 1 else { throw WireError(.malformed, "command frame must be one byte") }
        guard let command = NotificationFeedProtocol.Command(rawValue: commandFrame[0]) else {
            throw WireError(.unknownCommand, "unknown feed command 0x\(String(commandFrame[0], radix: 16))")
        }
        let body = rest.dropFirst()
        switch command {
        case .hello:
            guard body.count == 2 else { throw WireError(.malformed, "HELLO needs name and window frames") }
            let name = try String(frame: body[body.startIndex], field: "subscriber name")
            guard NotificationFeedProtocol.isValidName(name) else {
                throw WireError(.malformed, "a subscriber name is 1 to \(NotificationFeedProtocol.maxNameBytes) of a-z, 0-9, '.', '_', '-'")
            }
            var options = ByteReader(body[body.startIndex + 1], context: "HELLO")
            let window = try options.readInteger(UInt16.self, field: "window")
            try options.expectEnd()
            guard window >= 1 else { throw WireError(.malformed, "HELLO window must be at least 1") }
            return .hello(subscriber: name, window: window)
        case .ack:
            guard body.count == 1 else { throw WireError(.malformed, "ACK needs one id list frame") }
            let ids = try IdList.decode(body[body.startIndex])
            guard !ids.isEmpty else { throw WireError(.malformed, "ACK needs at least one id") }
            guard ids.count <= NotificationFeedProtocol.maxIdsPerAck else {
                throw WireError(.tooLarge, "ACK carries at most \(NotificationFeedProtocol.maxIdsPerAck) ids")
            }
            return .ack(ids)
        case .heartbeat:
            guard body.count <= 1 else { throw WireError(.malformed, "HEARTBEAT has at most a cursor frame") }
            guard let frame = body.first else { return .heartbeat(cursor: nil) }
            return .heartbeat(cursor: try Self.single(frame, "HEARTBEAT cursor"))
        case .goodbye:
            guard body.isEmpty else { throw WireError(.malformed, "GOODBYE takes no body") }
            return .goodbye
        case .welcome:
            guard body.count == 1 else { throw WireError(.malformed, "WELCOME needs one frame") }
            var reader = ByteReader(body[body.startIndex], context: "WELCOME")
            let cursor = try reader.readInteger(UInt64.self, field: "cursor")
            let window = try reader.readInteger(UInt16.self, field: "window")
            try reader.expectEnd()
            guard window >= 1 else { throw WireError(.malformed, "WELCOME window must be at least 1") }
            return .welcome(cursor: cursor, window: window)
        case .notifications:
            return .notifications(try Self.notifications(body))
        case .error:
            guard body.count == 2 else { throw WireError(.malformed, "ERROR needs code and message frames") }
            return .error(code: try String(frame: body[body.startIndex], field: "error code"),
                          message: try String(frame: body[body.startIndex + 1], field: "error message"))
        }
    }

    private static func single(_ frame: [UInt8], _ field: String) throws(WireError) -> UInt64 {
        guard frame.count == 8 else { throw WireError(.malformed, "\(field) must be 8 octets") }
        return try IdList.decode(frame)[0]
    }

    /// 1 to `maxNotificationsPerMessage` (id, document) pairs, ids strictly increasing, each
    /// document one line from `{` to `}`, within the byte caps.
    private static func notifications(_ body: ArraySlice<[UInt8]>) throws(WireError) -> [FeedNotification] {
        guard !body.isEmpty, body.count.isMultiple(of: 2) else {
            throw WireError(.malformed, "NOTIFICATIONS carries (id, document) frame pairs, at least one")
        }
        let count = body.count / 2
        guard count <= NotificationFeedProtocol.maxNotificationsPerMessage else {
            throw WireError(.tooLarge, "NOTIFICATIONS carries at most \(NotificationFeedProtocol.maxNotificationsPerMessage) notifications")
        }
        var notifications: [FeedNotification] = []
        notifications.reserveCapacity(count)
        var bytes = 0
        var index = body.startIndex
        while index < body.endIndex {
            let id = try Self.single(body[index], "notification id")
            let document = body[index + 1]
            if let previous = notifications.last, id <= previous.id {
                throw WireError(.malformed, "NOTIFICATIONS ids must increase (\(id) after \(previous.id))")
            }
            guard document.count <= NotificationFeedProtocol.maxDocumentBytes else {
                throw WireError(.tooLarge, "a notification document is at most \(NotificationFeedProtocol.maxDocumentBytes) bytes")
            }
            bytes += document.count
            guard count == 1 || bytes <= NotificationFeedProtocol.maxBytesPerMessage else {
                throw WireError(.tooLarge, "NOTIFICATIONS carries at most \(NotificationFeedProtocol.maxBytesPerMessage) document bytes")
            }
            guard ResultDocumentCheck.isSingleLineObject(document) else {
                throw WireError(.malformed, "notification \(id) is not a one-line JSON object")
            }
            notifications.append(FeedNotification(id: id, document: document))
            index += 2
        }
        return notifications
    }
}
