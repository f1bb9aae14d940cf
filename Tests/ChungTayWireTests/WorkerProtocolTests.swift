import Testing
@testable import ChungTayWire

@Suite struct WorkerProtocolTests {
    private func roundTrip(_ message: WorkerMessage) throws -> WorkerMessage {
        let frames = message.encode()
        #expect(frames.first == WorkerProtocol.header)
        return try WorkerMessage.decode(frames.dropFirst())
    }

    @Test func everyMessageRoundTrips() throws {
        let messages: [WorkerMessage] = [
            .ready(name: "w1", kinds: ["system.echo", "loan.status"], credit: 64),
            .tasks([TaskAssignment(taskId: 1, kind: "system.echo", attempt: 2, payload: [1, 2]),
                    TaskAssignment(taskId: 2, kind: "loan.status", attempt: 1, payload: [])]),
            .results([TaskResult(taskId: 1, documents: [Array("{\"a\":1}".utf8)], isList: false),
                      TaskResult(taskId: 2, documents: [], isList: true),
                      TaskResult(taskId: 3, documents: [Array("{}".utf8), Array("{\"b\":2}".utf8)], isList: true)]),
            .failures([TaskFailure(taskId: 4, retryable: true, code: "boom", message: "it broke")]),
            .heartbeat, .disconnect(reason: "draining"), .error(code: "malformed", message: "bad"),
        ]
        for message in messages {
            #expect(try roundTrip(message) == message)
        }
    }

    @Test func resultDocumentsMustBeOneLineObjects() {
        let bad = WorkerMessage.results([TaskResult(taskId: 1, documents: [Array("{\"a\":\n1}".utf8)], isList: false)]).encode()
        #expect(throws: WireError.self) { try WorkerMessage.decode(bad.dropFirst()) }
        let notObject = WorkerMessage.results([TaskResult(taskId: 1, documents: [Array("[1]".utf8)], isList: false)]).encode()
        #expect(throws: WireError.self) { try WorkerMessage.decode(notObject.dropFirst()) }
    }

    @Test func resultAnnouncingMoreDocumentsThanFramesIsMalformed() {
        var frames = WorkerMessage.results([TaskResult(taskId: 1, documents: [Array("{}".utf8), Array("{}".utf8)], isList: true)]).encode()
        frames.removeLast()
        #expect(throws: WireError.self) { try WorkerMessage.decode(frames.dropFirst()) }
    }

    @Test func readyNeedsKindsAndCredit() {
        let noCredit: [[UInt8]] = [WorkerProtocol.header, [0x01], Array("w".utf8), Array("system.echo".utf8), [0, 0, 0, 0]]
        #expect(throws: WireError.self) { try WorkerMessage.decode(noCredit.dropFirst()) }
        let badKind: [[UInt8]] = [WorkerProtocol.header, [0x01], Array("w".utf8), Array("Bad Kind".utf8), [0, 0, 0, 1]]
        #expect(throws: WireError.self) { try WorkerMessage.decode(badKind.dropFirst()) }
    }

    @Test func unknownCommandAndEmptyMessage() {
        #expect(throws: WireError.self) { try WorkerMessage.decode([[0x42]][...]) }
        #expect(throws: WireError.self) { try WorkerMessage.decode([][...]) }
    }

    @Test func envelopeKeepsTheDelimiterShape() throws {
        let (withDelimiter, rest) = try Envelope.split([[9], [], Array("MDPC01".utf8)])
        #expect(withDelimiter.hasDelimiter)
        #expect(Array(rest) == [Array("MDPC01".utf8)])
        #expect(withDelimiter.wrap([[1]]) == [[9], [], [1]])
        let (plain, _) = try Envelope.split([[9], Array("CTCP01".utf8)])
        #expect(!plain.hasDelimiter)
        #expect(plain.wrap([[1]]) == [[9], [1]])
        #expect(throws: WireError.self) { try Envelope.split([]) }
    }
}
