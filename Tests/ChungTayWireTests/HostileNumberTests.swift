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
