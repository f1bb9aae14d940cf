import Testing
@testable import ChungTayWire

@Suite struct NotificationFeedProtocolTests {
    static let document = Array(#"{"type":"overdue_notice","subject":"TL-0001","message":"Hộ ông A quá hạn"}"#.utf8)

    @Test func everyMessageRoundTrips() throws {
        let messages: [FeedMessage] = [
            .hello(subscriber: "bank-sms.1_a", window: 1), .hello(subscriber: String(repeating: "z", count: 64), window: .max),
            .ack([1]), .ack(Array(1...UInt64(NotificationFeedProtocol.maxIdsPerAck))), .ack([.max, 0]),
            .heartbeat(cursor: nil), .heartbeat(cursor: 0), .heartbeat(cursor: .max), .goodbye,
            .welcome(cursor: 42, window: 1000),
            .notifications([FeedNotification(id: 7, document: Self.document)]),
            .notifications([FeedNotification(id: 1, document: Array("{}".utf8)), FeedNotification(id: .max, document: Self.document)]),
            .error(code: "superseded", message: "another connection"),
        ]
        for message in messages {
            #expect(try FeedMessage.decode(message.encode()[...]) == message)
        }
    }

    @Test(arguments: ["", "Bank", "bank sms", "bảo", String(repeating: "a", count: 65), "a/b"])
    func badNamesAreRefused(name: String) {
        #expect(!NotificationFeedProtocol.isValidName(name))
        let frames: [[UInt8]] = [NotificationFeedProtocol.header, [0x01], Array(name.utf8), [0, 1]]
        #expect(throws: WireError.self) { try FeedMessage.decode(frames[...]) }
    }

    static let header = NotificationFeedProtocol.header
    static let id: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 9]

    @Test(arguments: [
        [[UInt8]](),
        [Array("CTLP01".utf8), [0x01]],
        [header],
        [header, [0x01, 0x00]],
        [header, [0x55]],
        [header, [0x01], Array("a".utf8), [0, 0]],
        [header, [0x01], Array("a".utf8), [0, 1, 0]],
        [header, [0x01], Array("a".utf8)],
        [header, [0x02]],
        [header, [0x02], []],
        [header, [0x02], [0, 0, 0, 1]],
        [header, [0x03], [0, 0, 0, 1]],
        [header, [0x03], id, id],
        [header, [0x04], []],
        [header, [0x10], id],
        [header, [0x10], id + [0, 0]],
        [header, [0x11]],
        [header, [0x11], id],
        [header, [0x11], [0, 1], Array("{}".utf8)],
        [header, [0x11], id, Array("[]".utf8)],
        [header, [0x11], id, Array("{\n}".utf8)],
        [header, [0x11], id, Array("{}".utf8), id, Array("{}".utf8)],
        [header, [0x7F], Array("malformed".utf8)],
        [header, [0x7F], [0xFF], []],
    ])
    func malformedMessagesAreRefused(frames: [[UInt8]]) {
        #expect(throws: WireError.self) { try FeedMessage.decode(frames[...]) }
    }

    @Test func messagesOutsideTheCapsAreRefused() throws {
        let tooManyIds = Array(1...UInt64(NotificationFeedProtocol.maxIdsPerAck + 1))
        #expect(throws: WireError(.tooLarge, "ACK carries at most 1000 ids")) { try FeedMessage.decode(FeedMessage.ack(tooManyIds).encode()[...]) }

        let many = (1...UInt64(NotificationFeedProtocol.maxNotificationsPerMessage + 1)).map { FeedNotification(id: $0, document: Array("{}".utf8)) }
        #expect(throws: WireError.self) { try FeedMessage.decode(FeedMessage.notifications(many).encode()[...]) }
        _ = try FeedMessage.decode(FeedMessage.notifications(Array(many.dropLast())).encode()[...])

        // Past the byte cap only a message of one notification may go.
        let large = Array("{\"m\":\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: NotificationFeedProtocol.maxBytesPerMessage) + Array("\"}".utf8)
        _ = try FeedMessage.decode(FeedMessage.notifications([FeedNotification(id: 1, document: large)]).encode()[...])
        let two = [FeedNotification(id: 1, document: Array("{}".utf8)), FeedNotification(id: 2, document: large)]
        #expect(throws: WireError.self) { try FeedMessage.decode(FeedMessage.notifications(two).encode()[...]) }
    }

    @Test func idsInOneMessageMustIncrease() {
        let notifications = [FeedNotification(id: 5, document: Array("{}".utf8)), FeedNotification(id: 5, document: Array("{}".utf8))]
        #expect(throws: WireError.self) { try FeedMessage.decode(FeedMessage.notifications(notifications).encode()[...]) }
    }
}
