import ChungTayWire

/// `feed-message`: a CTNP01 message as the feed's ROUTER or a subscriber receives it (input
/// split by `FrameSplit`, the header frame first).
///
/// Properties: a decoded message encodes to frames that decode to the same message; every
/// notification's document is one line from `{` to `}`, ids increase within a message, and
/// a HELLO's name is a valid subscriber name with a window of at least 1.
enum FeedMessageTarget {
    static let target = FuzzTarget(name: "feed-message", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let message = try? FeedMessage.decode(FrameSplit.frames(input)[...]) else { return }
        try check((try? FeedMessage.decode(message.encode()[...])) == message, "feed message \(message) does not survive encode and decode")
        switch message {
        case .notifications(let notifications):
            try check(notifications.allSatisfy { ResultDocumentCheck.isSingleLineObject($0.document) }, "a notification document is not one line")
            try check(zip(notifications, notifications.dropFirst()).allSatisfy { $0.id < $1.id }, "notification ids do not increase")
        case .hello(let subscriber, let window):
            try check(NotificationFeedProtocol.isValidName(subscriber) && window >= 1, "HELLO \(subscriber) \(window) passed unchecked")
        default:
            break
        }
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let documents = [Array(#"{"type":"overdue_notice","subject":"TL-0001","recipients":[{"role":"borrower"}]}"#.utf8), Array("{}".utf8)]
        let messages: [(String, FeedMessage)] = [
            ("hello", .hello(subscriber: "bank-messaging", window: 100)),
            ("hello-max-window", .hello(subscriber: "a", window: .max)),
            ("ack", .ack([1, 2, 5])),
            ("ack-boundaries", .ack(boundaryIds)),
            ("heartbeat", .heartbeat(cursor: nil)),
            ("heartbeat-cursor", .heartbeat(cursor: 41)),
            ("goodbye", .goodbye),
            ("welcome", .welcome(cursor: 40, window: 1000)),
            ("notifications", .notifications([FeedNotification(id: 41, document: documents[0]), FeedNotification(id: 43, document: documents[1])])),
            ("notification-max-id", .notifications([FeedNotification(id: .max, document: documents[1])])),
            ("error", .error(code: "superseded", message: "another connection said HELLO as bank-messaging")),
        ]
        for (name, message) in messages {
            seeds.add(name, frames: message.encode())
        }
        let header = NotificationFeedProtocol.header
        seeds.add("hello-window-0", frames: [header, [0x01], Array("a".utf8), [0, 0]])
        seeds.add("hello-upper-case", frames: [header, [0x01], Array("Bank".utf8), [0, 1]])
        seeds.add("notifications-decreasing", frames: [header, [0x11], IdList.encode([2]), documents[1], IdList.encode([1]), documents[1]])
        seeds.add("notifications-not-object", frames: [header, [0x11], IdList.encode([2]), Array("[1]".utf8)])
        return seeds.seeds
    }
}
