import Testing
@testable import ChungTayWire

@Suite struct MajordomoTests {
    @Test func clientRequestRoundTrips() throws {
        let request = Majordomo.ClientRequest(service: "system.echo", body: [Array("hi".utf8)])
        #expect(try Majordomo.ClientRequest.decode(request.encode()[...]) == request)
        #expect(throws: WireError.self) { try Majordomo.ClientRequest.decode([Majordomo.clientHeader][...]) }
    }

    @Test func workerMessagesRoundTrip() throws {
        let messages: [Majordomo.WorkerMessage] = [
            .ready(service: "test.mdp"), .request(clientAddress: [0, 0, 0, 0, 0, 0, 0, 7], body: [Array("x".utf8)]),
            .reply(clientAddress: [1], body: [Array("y".utf8), Array("z".utf8)]), .heartbeat, .disconnect,
        ]
        for message in messages {
            #expect(try Majordomo.WorkerMessage.decode(message.encode()[...]) == message)
        }
    }

    @Test func violationsAreErrors() {
        let cases: [[[UInt8]]] = [
            [Majordomo.workerHeader],
            [Majordomo.workerHeader, [0x09]],
            [Majordomo.workerHeader, [0x03], [1], Array("not-empty".utf8)],
            [Majordomo.workerHeader, [0x04], Array("extra".utf8)],
            [Majordomo.clientHeader, [0x01]],
        ]
        for frames in cases {
            #expect(throws: WireError.self, "\(frames)") { try Majordomo.WorkerMessage.decode(frames[...]) }
        }
    }
}
