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
            .heartbeat(nil), .heartbeat(WorkerStats(host: "may-1", inFlight: 3)), .disconnect(reason: "draining"), .error(code: "malformed", message: "bad"),
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

    /// A RESULT item's header: task id, flags, document count.
    private func resultHeader(taskId: UInt64, flags: UInt8, count: UInt32) -> [UInt8] {
        var writer = ByteWriter(capacity: 13)
        writer.write(taskId)
        writer.write(flags)
        writer.write(count)
        return writer.bytes
    }

    @Test func resultsTravelAsOneFrameOfLines() throws {
        let result = TaskResult(taskId: 7, documents: [Array("{}".utf8), Array("{\"b\":2}".utf8)], isList: true, keys: ["x", ""])
        let frames = WorkerMessage.results([result]).encode()
        #expect(frames.count == 5, "header, command, item header, one documents frame, extras")
        #expect(frames[3] == Array("{}\n{\"b\":2}\n".utf8))
        let decoded = try WorkerMessage.decode(frames.dropFirst())
        guard case .results(let results) = decoded else { Issue.record("not RESULT: \(decoded)"); return }
        #expect(results.first?.lines.ends == [3, 11])
        #expect(results.first?.documents == result.documents)
    }

    @Test func resultWithADocumentFrameEachIsStillRead() throws {
        let frames: [[UInt8]] = [[0x03], resultHeader(taskId: 9, flags: 1, count: 2), Array("{}".utf8), Array("{\"c\":3}".utf8)]
        let decoded = try WorkerMessage.decode(frames[...])
        #expect(decoded == .results([TaskResult(taskId: 9, documents: [Array("{}".utf8), Array("{\"c\":3}".utf8)], isList: true)]))
    }

    @Test(arguments: [
        ("{}\n{\"b\":2}", "last line without its line feed"),
        ("{}\n\n", "an empty line"),
        ("{}\r\n{}\n", "a carriage return"),
        ("{}\n[1]\n", "a line that is not an object"),
        ("{}\n{\"a\":\n1}\n", "an object over two lines"),
        ("{}\n", "fewer lines than announced"),
        ("{}\n{}\n{}\n", "more lines than announced"),
        ("{\n", "a lone brace"),
    ])
    func packedDocumentsAreCheckedStrictly(lines: String, problem: String) {
        let frames: [[UInt8]] = [[0x03], resultHeader(taskId: 1, flags: 1 | ResultFlags.packed.rawValue, count: 2), Array(lines.utf8)]
        #expect(throws: WireError.self, "\(problem)") { try WorkerMessage.decode(frames[...]) }
    }

    @Test func packedResultNeedsItsFrameAndKnownFlags() {
        let missing: [[UInt8]] = [[0x03], resultHeader(taskId: 1, flags: 1 | ResultFlags.packed.rawValue, count: 0)]
        #expect(throws: WireError.self) { try WorkerMessage.decode(missing[...]) }
        let unknown: [[UInt8]] = [[0x03], resultHeader(taskId: 1, flags: 8 | ResultFlags.packed.rawValue | 1, count: 0), []]
        #expect(throws: WireError.self) { try WorkerMessage.decode(unknown[...]) }
        let huge: [[UInt8]] = [[0x03], resultHeader(taskId: 1, flags: 1 | ResultFlags.packed.rawValue, count: .max), Array("{}\n".utf8)]
        #expect(throws: WireError.self, "a count no frame can hold is refused before anything is reserved") {
            try WorkerMessage.decode(huge[...])
        }
        let empty: [[UInt8]] = [[0x03], resultHeader(taskId: 1, flags: 1 | ResultFlags.packed.rawValue, count: 0), []]
        #expect((try? WorkerMessage.decode(empty[...])) == .results([TaskResult(taskId: 1, documents: [], isList: true)]))
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
