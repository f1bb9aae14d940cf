import Testing
@testable import ChungTayWire

/// The batch additions to both protocols: batch fields in job and task headers, RESULT
/// extras (keys, follow-ups, counters) and the batch control requests.
@Suite struct BatchWireTests {
    @Test func batchJobHeadersRoundTripAndPlainHeadersStayShort() throws {
        let job = JobSpec(kind: "household.review", payload: [1], idempotencyKey: "B000001:h:0", batchId: "B000001",
                          counters: [Counter(name: "accepted/households", value: 500), Counter(name: "accepted/loans", value: -1)])
        let frames = ClientMessage(requestId: 4, body: ClientRequest.submit([job, JobSpec(kind: "system.echo", payload: [])])).encode()
        let decoded = try ClientMessage<ClientRequest>.decode(frames.dropFirst())
        #expect(decoded.body == .submit([job, JobSpec(kind: "system.echo", payload: [])]))
        #expect(JobSpec(kind: "a", payload: []).encodeHeader().count == 6)
    }

    @Test func resultExtrasRoundTripWithFollowUpPayloads() throws {
        let result = TaskResult(
            taskId: 9, documents: [Array(#"{"a":1}"#.utf8), Array(#"{"b":2}"#.utf8)], isList: true, keys: ["HH-1", ""],
            followUps: [JobSpec(kind: "loan.status", payload: Array("next".utf8), priority: 3)],
            counters: [Counter(name: "byChange/none", value: 2)])
        let plain = TaskResult(taskId: 10, documents: [Array("{}".utf8)], isList: false)
        let message = WorkerMessage.results([result, plain])
        #expect(try WorkerMessage.decode(message.encode().dropFirst()) == message)
        let tasks = WorkerMessage.tasks([TaskAssignment(taskId: 1, kind: "notify.emit", attempt: 1, payload: [], batchId: "B000002")])
        #expect(try WorkerMessage.decode(tasks.encode().dropFirst()) == tasks)
    }

    @Test func extrasWithTheWrongKeyCountOrMissingPayloadsAreMalformed() {
        var frames = WorkerMessage.results([TaskResult(
            taskId: 1, documents: [Array("{}".utf8)], isList: true, keys: ["x"],
            followUps: [JobSpec(kind: "loan.status", payload: [1])])]).encode()
        frames.removeLast()
        #expect(throws: WireError.self) { try WorkerMessage.decode(frames.dropFirst()) }

        var extras = ByteWriter()
        extras.write(UInt32(2))
        var wrongKeys = WorkerMessage.results([TaskResult(taskId: 1, documents: [Array("{}".utf8)], isList: true)]).encode()
        wrongKeys[2][8] |= 2
        wrongKeys.append(extras.bytes)
        #expect(throws: WireError.self) { try WorkerMessage.decode(wrongKeys.dropFirst()) }
    }

    /// The outbox frame applies to any task and follows the extras and their payloads.
    @Test func outboxKeysRoundTripWithAndWithoutExtras() throws {
        let keys = [OutboxKey(dedupKey: "due_reminder|L1|2026-12-01", expiresOn: 20_788), .none]
        let alone = TaskResult(taskId: 3, documents: [Array("{}".utf8), Array("{}".utf8)], isList: true, outbox: keys)
        let withExtras = TaskResult(
            taskId: 4, documents: [Array("{}".utf8), Array("{}".utf8)], isList: true, keys: ["H1", "H2"],
            followUps: [JobSpec(kind: "notify.emit", payload: [1])], outbox: keys)
        let message = WorkerMessage.results([alone, withExtras])
        #expect(try WorkerMessage.decode(message.encode().dropFirst()) == message)
    }

    @Test func outboxFramesThatDoNotMatchTheirDocumentsAreMalformed() {
        let result = TaskResult(taskId: 1, documents: [Array("{}".utf8)], isList: true, outbox: [.none])
        var missing = WorkerMessage.results([result]).encode()
        missing.removeLast()
        #expect(throws: WireError.self) { try WorkerMessage.decode(missing.dropFirst()) }

        var tooMany = ByteWriter()
        tooMany.write(UInt32(2))
        var wrongCount = WorkerMessage.results([result]).encode()
        wrongCount[wrongCount.count - 1] = tooMany.bytes
        #expect(throws: WireError.self) { try WorkerMessage.decode(wrongCount.dropFirst()) }

        var long = ByteWriter()
        long.write(UInt32(1))
        long.write(String(repeating: "k", count: OutboxKey.maximumBytes + 1), lengthAs: UInt16.self)
        long.write(Int32(0))
        var tooLong = WorkerMessage.results([result]).encode()
        tooLong[tooLong.count - 1] = long.bytes
        #expect(throws: WireError.self) { try WorkerMessage.decode(tooLong.dropFirst()) }
    }

    @Test func batchControlRequestsRoundTripAndAreCheckedStrictly() throws {
        let opening = BatchOpening(name: "Tánh Linh 2026", asOf: "2026-11-27", whatIf: false, submittedBy: "can-bo@xa", inputs: ["households.csv 10 ab"])
        let requests: [ClientRequest] = [
            .batchOpen(opening), .batchSeal(BatchSealing(batchId: "B000001", householdChunks: 2, loanChunks: 1, inputErrors: 0)),
            .batchStatus("B000001"), .batchList, .results(key: "HH-1", batchId: nil), .results(key: "HH-1", batchId: "B000001"),
            .results(key: "HH-1", batchId: nil, requestedBy: "operator@host"),
        ]
        for request in requests {
            let frames = ClientMessage(requestId: 1, body: request).encode()
            #expect(try ClientMessage<ClientRequest>.decode(frames.dropFirst()).body == request)
        }
        var badDate = ClientMessage(requestId: 1, body: ClientRequest.batchOpen(opening)).encode()
        badDate[3] = Array(#"{"name":"x","asOf":"27/11/2026","whatIf":false,"submittedBy":"u","inputs":[]}"#.utf8)
        #expect(throws: WireError.self) { try ClientMessage<ClientRequest>.decode(badDate.dropFirst()) }
        var missingField = badDate
        missingField[3] = Array(#"{"name":"x"}"#.utf8)
        #expect(throws: WireError.self) { try ClientMessage<ClientRequest>.decode(missingField.dropFirst()) }
    }

    /// Found by the live fuzzer: a BATCH-OPEN could list thousands of inputs (or one
    /// submitter name of megabytes), and the dispatcher keeps every batch record in memory
    /// for good. Now at most 16 inputs of 1024 bytes and a 512-byte submitter, else malformed.
    @Test func batchOpeningsRecordBoundedInputs() throws {
        func decoded(_ opening: BatchOpening) throws(WireError) -> ClientRequest {
            try ClientMessage<ClientRequest>.decode(ClientMessage(requestId: 1, body: ClientRequest.batchOpen(opening)).encode().dropFirst()).body
        }
        let largest = BatchOpening(name: "n", asOf: "2026-11-27", whatIf: false, submittedBy: String(repeating: "u", count: 512),
                                   inputs: Array(repeating: String(repeating: "i", count: 1024), count: 16))
        #expect(try decoded(largest) == .batchOpen(largest))
        var tooMany = largest
        tooMany.inputs.append("one more")
        #expect(throws: WireError(.malformed, "a batch lists at most 16 inputs of at most 1024 bytes each")) { try decoded(tooMany) }
        var tooLong = largest
        tooLong.inputs[0] += "i"
        #expect(throws: WireError.self) { try decoded(tooLong) }
        var longSubmitter = largest
        longSubmitter.submittedBy += "u"
        #expect(throws: WireError.self) { try decoded(longSubmitter) }
    }
}
