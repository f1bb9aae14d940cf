import Testing
@testable import ChungTayWire

/// Wire-level limits on what one request may ask of the dispatcher (issue 9).
@Suite struct HostileNumberTests {
    private func decode(_ request: ClientRequest) throws(WireError) -> ClientRequest {
        try ClientMessage<ClientRequest>.decode(ClientMessage(requestId: 7, body: request).encode().dropFirst()).body
    }

    /// A WAIT of more than `maxWaitIds` ids is `too_large`, checked before the list is decoded.
    @Test func aWaitOverTheCapIsTooLarge() throws {
        let most = Array(repeating: UInt64(5), count: ClientProtocol.maxWaitIds)
        #expect(try decode(.wait(most)) == .wait(most))
        let error = #expect(throws: WireError.self) { try decode(.wait(most + [5])) }
        #expect(error?.code == .tooLarge)
    }

    /// A RETRY-DEAD-LETTERS of more than `retryLimit` ids is `too_large` on the wire, so one
    /// frame cannot make the journal run thousands of queries in one transaction.
    @Test func aRetryOverTheCapIsTooLarge() throws {
        let most = Array(repeating: UInt64(5), count: ClientProtocol.retryLimit)
        #expect(try decode(.retryDeadLetters(most)) == .retryDeadLetters(most))
        let error = #expect(throws: WireError.self) { try decode(.retryDeadLetters(most + [5])) }
        #expect(error?.code == .tooLarge)
    }

    /// A FAIL's code must be a short error code and its message is cut to 4 KiB at a
    /// character boundary: both reach the journal and every dead-letter list.
    @Test func failureTextIsBounded() throws {
        func decode(_ code: String, _ message: String) throws(WireError) -> TaskFailure? {
            let message = try WorkerMessage.decode(WorkerMessage.failures([
                TaskFailure(taskId: 1, retryable: true, code: code, message: message)]).encode().dropFirst())
            guard case .failures(let failures) = message else { return nil }
            return failures.first
        }
        #expect(try decode("handler_failed", "é")?.message == "é")
        for code in ["", String(repeating: "a", count: TaskFailure.maxCodeBytes + 1), "Bad-Code", "a b"] {
            let error = #expect(throws: WireError.self) { try decode(code, "m") }
            #expect(error?.code == .malformed)
        }
        let long = "a" + String(repeating: "é", count: TaskFailure.maxMessageBytes)
        let kept = try #require(try decode("no_handler", long)?.message)
        #expect(kept.utf8.count == TaskFailure.maxMessageBytes - 1 && long.hasPrefix(kept))
    }

    /// A seal cannot declare negative counts (they reached the progress bar and trapped it).
    @Test(arguments: [(-1, 0, 0), (0, -1, 0), (0, 0, -1)])
    func aSealWithNegativeCountsIsMalformed(households: Int, loans: Int, inputErrors: Int) {
        let sealing = BatchSealing(batchId: "B000001", householdChunks: households, loanChunks: loans, inputErrors: inputErrors)
        let error = #expect(throws: WireError.self) { try decode(.batchSeal(sealing)) }
        #expect(error?.code == .malformed)
    }

    /// READY names each kind once, however often the frame repeats it.
    @Test func readyKindsAreDistinct() throws {
        let frames = [WorkerProtocol.header, [WorkerProtocol.Command.ready.rawValue], Array("w".utf8),
                      Array((Array(repeating: "a.b", count: 10_000) + ["c", "a.b"]).joined(separator: ",").utf8), [0, 0, 0, 1]]
        #expect(try WorkerMessage.decode(frames.dropFirst()) == .ready(name: "w", kinds: ["a.b", "c"], credit: 1))
    }
}
