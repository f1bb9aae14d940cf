import Testing
@testable import ChungTayWire

@Suite struct ClientProtocolTests {
    private func roundTrip(_ request: ClientRequest) throws -> ClientRequest {
        let frames = ClientMessage(requestId: 42, body: request).encode()
        #expect(frames.first == ClientProtocol.header)
        let decoded = try ClientMessage<ClientRequest>.decode(frames.dropFirst())
        #expect(decoded.requestId == 42)
        return decoded.body
    }

    @Test func everyRequestRoundTrips() throws {
        let jobs = [
            JobSpec(kind: "system.echo", payload: Array("hello".utf8)),
            JobSpec(kind: "household.review", payload: [], idempotencyKey: "district-7#12", priority: -3),
        ]
        let requests: [ClientRequest] = [.submit(jobs), .job(7), .wait([1, 2, 3]), .status, .deadLetters, .retryDeadLetters([]), .retryDeadLetters([9])]
        for request in requests {
            #expect(try roundTrip(request) == request)
        }
    }

    @Test func aRequestOnBehalfOfAPrincipalRoundTripsAndPlainOnesAreUnchanged() throws {
        let plain = ClientMessage(requestId: 5, body: ClientRequest.job(9)).encode()
        let delegated = ClientMessage(requestId: 5, body: ClientRequest.job(9), principal: "clients/core-banking").encode()
        #expect(delegated[1] == [ClientProtocol.Command.onBehalf.rawValue])
        #expect(delegated[3] == Array("clients/core-banking".utf8))
        #expect(Array(delegated[4...]) == Array(plain[1...1]) + Array(plain[3...]))
        let decoded = try ClientMessage<ClientRequest>.decode(delegated.dropFirst())
        #expect(decoded == ClientMessage(requestId: 5, body: .job(9), principal: "clients/core-banking"))
        #expect(try ClientMessage<ClientRequest>.decode(plain.dropFirst()).principal == nil)
    }

    @Test func onBehalfRefusesWorkersBadNamesAndNesting() throws {
        let head = ClientProtocol.frameHead(.onBehalf, 3)
        let job = [[ClientProtocol.Command.job.rawValue], IdList.encode([1])]
        for principal in ["workers/w1", "clients/", "clients", "clients/a/b", "operators/" + String(repeating: "x", count: 65), "clients/a b", "clients/.hidden", ""] {
            #expect(throws: WireError.self) { try ClientMessage<ClientRequest>.decode((head + [Array(principal.utf8)] + job)[1...]) }
        }
        let nested = head + [Array("clients/a".utf8), [ClientProtocol.Command.onBehalf.rawValue], Array("clients/b".utf8)] + job
        #expect(throws: WireError.self) { try ClientMessage<ClientRequest>.decode(nested[1...]) }
        #expect(throws: WireError.self) { try ClientMessage<ClientRequest>.decode((head + [Array("clients/a".utf8)])[1...]) }
        #expect(DelegatedPrincipal.isValid("operators/night-shift_2.x"))
    }

    @Test func everyReplyRoundTrips() throws {
        let replies: [ClientReply] = [
            .accepted([SubmitReceipt(jobId: 1, existed: false), SubmitReceipt(jobId: 1, existed: true)]),
            .jobInfo(Array(#"{"id":"1"}"#.utf8)), .waitDone([Array("{}".utf8), Array("[]".utf8)]),
            .statusReport(Array("{}".utf8)), .deadLetterList(Array("[]".utf8)), .retried(count: 3),
            .error(code: "unknown_kind", message: "no worker serves kind 'x'"),
        ]
        for reply in replies {
            let decoded = try ClientMessage<ClientReply>.decode(ClientMessage(requestId: 9, body: reply).encode())
            #expect(decoded == ClientMessage(requestId: 9, body: reply))
        }
    }

    @Test func truncatedJobHeaderIsMalformed() {
        var frames = ClientMessage(requestId: 1, body: ClientRequest.submit([JobSpec(kind: "system.echo", payload: [1])])).encode()
        frames[3] = Array(frames[3].prefix(4))
        #expect(throws: WireError.self) { try ClientMessage<ClientRequest>.decode(frames.dropFirst()) }
        do {
            _ = try ClientMessage<ClientRequest>.decode(frames.dropFirst())
        } catch {
            #expect(error.code == .malformed)
        }
    }

    @Test func unknownCommandIsReported() {
        let frames: [[UInt8]] = [ClientProtocol.header, [0x42], IdList.encode([5])]
        #expect {
            try ClientMessage<ClientRequest>.decode(frames.dropFirst())
        } throws: { error in
            (error as? WireError)?.code == .unknownCommand
        }
    }

    @Test func repliesAreNotRequests() {
        let frames = ClientMessage(requestId: 1, body: ClientReply.retried(count: 1)).encode()
        #expect(throws: WireError(.unknownCommand, "command 0x86 is a reply, not a request")) {
            try ClientMessage<ClientRequest>.decode(frames.dropFirst())
        }
    }

    @Test func oddSubmitFrameCountIsMalformed() {
        let frames: [[UInt8]] = [ClientProtocol.header, [ClientProtocol.Command.submit.rawValue], IdList.encode([1]), [1]]
        #expect(throws: WireError.self) { try ClientMessage<ClientRequest>.decode(frames.dropFirst()) }
    }

    @Test func invalidKindNamesAreRefused() {
        #expect(JobSpec.isValidKind("household.review"))
        #expect(JobSpec.isValidKind("test-kind_2"))
        for bad in ["", "Household", "../etc", "a/b", "1abc", String(repeating: "a", count: 256)] {
            #expect(!JobSpec.isValidKind(bad), "\(bad) should be refused")
        }
        let frames = ClientMessage(requestId: 1, body: ClientRequest.submit([JobSpec(kind: "../x", payload: [])])).encode()
        #expect(throws: WireError.self) { try ClientMessage<ClientRequest>.decode(frames.dropFirst()) }
    }

    @Test func idListRejectsRaggedFrames() throws {
        #expect(throws: WireError.self) { try IdList.decode([1, 2, 3]) }
        #expect(try IdList.decode(IdList.encode([0, .max])) == [0, .max])
    }
}
