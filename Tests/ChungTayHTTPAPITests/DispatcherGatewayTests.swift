import ChungTayWire
@testable import ChungTayHTTPAPI
import Dispatch
import Foundation
import Logging
import Synchronization
import Testing
import ZeroMQ

/// The gateway against a stand-in for the dispatcher's client endpoint on 127.0.0.1 that
/// queues at most 16 replies per connection, as the dispatcher's ROUTER does, and answers
/// the way a dispatcher's turn does: everything that came in, at once.
@Suite struct DispatcherGatewayTests {
    /// 200 calls at once: each gets its own reply, and no connection ever had more than 8
    /// requests unanswered (more could make the dispatcher drop replies).
    @Test func manyCallsAtOnceKeepEightInFlightPerConnection() async throws {
        let dispatcher = try BurstDispatcher()
        defer { dispatcher.stop() }
        let gateway = try DispatcherGateway(endpoint: dispatcher.endpoint, curve: nil, maxMessageBytes: 16 << 20, timeout: .seconds(60), logger: Logger(label: "test"))
        defer { gateway.stop() }
        #expect(await gateway.answers(within: .seconds(30)))
        let documents = try await withThrowingTaskGroup(of: (UInt64, [UInt8]).self) { group in
            for id in UInt64(1)...200 {
                group.addTask {
                    guard case .jobInfo(let document) = try await gateway.call(.job(id), as: nil) else { throw HTTPProblem.internal("not JOB-INFO") }
                    return (id, document)
                }
            }
            var documents: [UInt64: [UInt8]] = [:]
            for try await (id, document) in group { documents[id] = document }
            return documents
        }
        #expect(documents.count == 200)
        #expect(documents.allSatisfy { id, document in document == BurstDispatcher.document(of: id) })
        let most = dispatcher.mostUnansweredOnOneConnection
        #expect(most > 0 && most <= GatewayConnection.window, "\(most) requests were unanswered on one connection")
    }

    /// Calls the dispatcher does not answer are `unavailable` once the timeout has passed,
    /// those that waited in the gateway's queue too; the connections are replaced, and the
    /// gateway answers again once the dispatcher does.
    @Test func unansweredCallsAreUnavailableAndTheGatewayRecovers() async throws {
        let dispatcher = try BurstDispatcher()
        defer { dispatcher.stop() }
        let gateway = try DispatcherGateway(endpoint: dispatcher.endpoint, curve: nil, maxMessageBytes: 16 << 20, timeout: .milliseconds(500), logger: Logger(label: "test"))
        defer { gateway.stop() }
        #expect(await gateway.answers(within: .seconds(30)))
        dispatcher.answering(false)
        let codes = await withTaskGroup(of: String?.self) { group in
            for id in UInt64(1)...100 {
                group.addTask {
                    do throws(HTTPProblem) {
                        _ = try await gateway.call(.job(id), as: nil)
                        return nil
                    } catch {
                        return error.code
                    }
                }
            }
            var codes: [String?] = []
            for await code in group { codes.append(code) }
            return codes
        }
        #expect(codes.count == 100 && codes.allSatisfy { $0 == "unavailable" }, "\(codes)")
        #expect(dispatcher.mostUnansweredOnOneConnection <= GatewayConnection.window)
        dispatcher.answering(true)
        #expect(await gateway.answers(within: .seconds(30)))
    }

    /// A request over the dispatcher's largest message is refused (`too_large`) without being
    /// sent (the stand-in would answer it), and the next call on the same gateway is answered.
    @Test func aRequestOverTheMessageSizeIsRefusedBeforeSending() async throws {
        let dispatcher = try BurstDispatcher()
        defer { dispatcher.stop() }
        let gateway = try DispatcherGateway(endpoint: dispatcher.endpoint, curve: nil, maxMessageBytes: 4096, logger: Logger(label: "test"))
        defer { gateway.stop() }
        #expect(await gateway.answers(within: .seconds(30)))
        let job = JobSpec(kind: "system.echo", payload: Array(repeating: UInt8(ascii: "x"), count: 4096))
        do throws(HTTPProblem) {
            _ = try await gateway.call(.submit([job]), as: nil)
            Issue.record("a SUBMIT over the message size was sent")
        } catch {
            #expect(error.code == "too_large" && error.status.code == 413, "\(error)")
        }
        guard case .jobInfo = try await gateway.call(.job(7), as: nil) else { throw HTTPProblem.internal("not JOB-INFO") }
    }
}

/// A ROUTER on 127.0.0.1 with the dispatcher's reply high-water mark (16 per connection).
/// It answers only once nothing more has come for 100 ms, when the gateway is waiting for
/// answers, and then everything at once, as a dispatcher's turn answers its SUBMITs: so the
/// most requests a gateway has in flight on one connection is seen here, and replies beyond
/// the room libzmq leaves are lost as the dispatcher would lose them (with 16 in flight per
/// connection some were). JOB N is answered `{"id":"N"}`, anything else with an empty status report.
final class BurstDispatcher: Sendable {
    let endpoint: String
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    private struct State {
        var mostUnanswered = 0
        var answering = true
        var stopped = false
    }

    /// The socket, used by the thread only.
    private struct Socket: @unchecked Sendable {
        let context: ZMQContext
        let router: ZMQSocket
    }

    init() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        try router.setLinger(milliseconds: 0)
        try router.setSendHighWaterMark(16)
        try router.bind("tcp://127.0.0.1:0")
        endpoint = try router.lastEndpoint
        let socket = Socket(context: context, router: router)
        let finished = self.finished
        Thread { [self] in
            self.serve(socket)
            finished.signal()
        }.start()
    }

    static func document(of id: UInt64) -> [UInt8] { Array(#"{"id":"\#(id)"}"#.utf8) }

    var mostUnansweredOnOneConnection: Int { state.withLock { $0.mostUnanswered } }

    func answering(_ on: Bool) { state.withLock { $0.answering = on } }

    func stop() {
        state.withLock { $0.stopped = true }
        finished.wait()
    }

    private func serve(_ socket: Socket) {
        var unanswered: [[UInt8]: [ClientMessage<ClientReply>]] = [:]
        var poller = ZMQPoller()
        _ = poller.add(socket.router)
        while !state.withLock({ $0.stopped }) {
            guard let ready = try? poller.poll(timeoutMilliseconds: 100) else { break }
            if ready[0].contains(.readable) {
                while let frames = try? socket.router.receive(dontWait: true), frames.count > 2 {
                    guard let request = try? ClientMessage<ClientRequest>.decode(frames.dropFirst(2)) else { continue }
                    let body: ClientReply = if case .job(let id) = request.body { .jobInfo(Self.document(of: id)) } else { .statusReport(Array("{}".utf8)) }
                    unanswered[frames[0], default: []].append(ClientMessage(requestId: request.requestId, body: body))
                    let count = unanswered[frames[0]]?.count ?? 0
                    state.withLock { $0.mostUnanswered = max($0.mostUnanswered, count) }
                }
                continue
            }
            guard state.withLock({ $0.answering }) else { continue }
            for (peer, replies) in unanswered {
                for reply in replies { _ = try? socket.router.send([peer] + reply.encode(), dontWait: true) }
            }
            unanswered.removeAll()
        }
        socket.router.close()
    }
}
