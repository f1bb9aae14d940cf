import ChungTayWire
import Foundation
import ZeroMQ

/// Sends `ProtocolGrammar`'s messages to a running dispatcher from standing peers on both
/// endpoints (and crowds of short-lived ones), reads every reply to keep its model of the
/// dispatcher's state current, and probes with STATUS every few seconds.
///
/// It stops at the end of its budget, or as soon as the dispatcher stops or leaves a probe
/// unanswered; the report then names the seed and the last messages sent, bytes included.
final class LiveFuzzer {
    struct Settings {
        var seed: UInt64
        var skip: Set<FuzzClass>
        var budget: Duration
        var maxMessages: Int
        var clientPeers = 6
        var workerPeers = 8
        var maxMessageBytes = 16 << 20
        /// A probe unanswered for this long means the dispatcher is exhausted. Generous: a
        /// flood may legitimately keep a debug build busy for a while on a loaded machine.
        var probeTimeout: Duration = .seconds(60)
        var probeInterval: Duration = .seconds(2)
    }

    struct Report {
        var seed: UInt64
        var elapsed: Duration = .zero
        var messages = 0
        var frames = 0
        var bytes = 0
        var probes = 0
        /// The longest a probe waited for its STATUS-REPORT: how long the dispatcher stalled.
        var longestProbe: Duration = .zero
        var sendTimeouts = 0
        /// Messages per grammar path (the label up to its first argument or mutation).
        var byClass: [String: Int] = [:]
        var replies: [String: Int] = [:]
        var replyBytes = 0
        var storageErrors: [String] = []
        /// The dispatcher's resident memory at each probe that found it 16 MiB above the one
        /// before, with what was sent in between: which messages cost memory.
        var growth: [String] = []
        /// Probes that waited over 5 s, with what was sent before them: which messages stall the loop.
        var stalls: [String] = []
        var peakResidentMiB = 0.0
        /// Why the run stopped early, with the messages that led there; nil when the dispatcher held.
        var failure: String?

        var text: String {
            let classes = byClass.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let answers = replies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return """
                live fuzz seed \(seed): \(messages) messages, \(frames) frames, \(bytes / 1_048_576) MiB in \
                \(String(format: "%.1f", elapsed.seconds)) s; \(probes) STATUS probes answered, the slowest in \
                \(String(format: "%.1f", longestProbe.seconds)) s; \(sendTimeouts) sends timed out
                  sent: \(classes)
                  replies (\(replyBytes / 1_048_576) MiB to clients): \(answers)
                  resident memory peak \(peakResidentMiB) MiB\(growth.map { "\n  " + $0 }.joined())\(stalls.map { "\n  " + $0 }.joined())
                """
        }
    }

    private let settings: Settings
    private let clientEndpoint: String
    private let workerEndpoint: String
    private let context: ZMQContext
    private let clientPeers: [ZMQSocket]
    private let workerPeers: [ZMQSocket]
    private let probe: ZMQSocket
    private var crowd: [Int: ZMQSocket] = [:]
    private var knowledge = FuzzKnowledge()
    private var grammar: ProtocolGrammar
    /// Summaries of the last messages sent, for the failure report.
    private var recent: [String] = []
    private var probeRequestId: UInt64 = 0
    private var sentSinceProbe: [String: Int] = [:]
    private var residentAtProbe = 0.0

    init(clientEndpoint: String, workerEndpoint: String, settings: Settings) throws {
        self.settings = settings
        self.clientEndpoint = clientEndpoint
        self.workerEndpoint = workerEndpoint
        grammar = ProtocolGrammar(seed: settings.seed, skip: settings.skip, clientPeers: settings.clientPeers,
                                  workerPeers: settings.workerPeers, maxMessageBytes: settings.maxMessageBytes)
        let context = try ZMQContext()
        self.context = context
        clientPeers = try (0..<settings.clientPeers).map { index in
            try Self.peer(context, connect: clientEndpoint, routingId: Array("fz-client-\(index)".utf8), linger: 0)
        }
        workerPeers = try (0..<settings.workerPeers).map { index in
            try Self.peer(context, connect: workerEndpoint, routingId: Array("fz-worker-\(index)".utf8), linger: 0)
        }
        probe = try Self.peer(context, connect: clientEndpoint, routingId: Array("fz-probe".utf8), linger: 0)
        try probe.setReceiveTimeout(milliseconds: 200)
    }

    private static func peer(_ context: ZMQContext, connect endpoint: String, routingId: [UInt8]?, linger: Int32) throws -> ZMQSocket {
        let socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setLinger(milliseconds: linger)
        // A send the dispatcher's high-water marks hold back is counted and skipped after a
        // second: the run's length then stays near its budget on a loaded machine.
        try socket.setSendTimeout(milliseconds: 1000)
        if let routingId { try socket.setRoutingId(routingId) }
        try socket.connect(endpoint)
        return socket
    }

    /// Closes every socket; the dispatcher sees the peers go away.
    func close() {
        for socket in clientPeers + workerPeers + [probe] + Array(crowd.values) { socket.close() }
        crowd.removeAll()
    }

    @available(*, noasync)
    func run(isAlive: () -> Bool, residentMiB: () -> Double?) -> Report {
        var report = Report(seed: settings.seed)
        let start = ContinuousClock.now
        var nextProbe = start + settings.probeInterval
        while ContinuousClock.now - start < settings.budget, report.messages < settings.maxMessages {
            // A flood is cut off at the budget: on a loaded machine its held-back sends (a
            // second each) would otherwise stretch the run far past it.
            for message in grammar.next(knowledge) where ContinuousClock.now - start < settings.budget {
                send(message, report: &report)
            }
            closeCrowd()
            drainReplies()
            if !isAlive() {
                report.failure = failure("stopped", report)
                break
            }
            if ContinuousClock.now >= nextProbe {
                guard probeAnswers(isAlive: isAlive, report: &report) else {
                    report.failure = failure(isAlive() ? "did not answer STATUS within \(settings.probeTimeout)" : "stopped", report)
                    break
                }
                noteResident(residentMiB(), report: &report)
                nextProbe = ContinuousClock.now + settings.probeInterval
            }
        }
        if report.failure == nil {
            if !probeAnswers(isAlive: isAlive, report: &report) {
                report.failure = failure(isAlive() ? "did not answer STATUS within \(settings.probeTimeout) after the run" : "stopped", report)
            }
        }
        report.elapsed = ContinuousClock.now - start
        report.replies = knowledge.replies
        report.replyBytes = knowledge.replyBytes
        report.storageErrors = knowledge.storageErrors
        return report
    }

    private func send(_ message: FuzzMessage, report: inout Report) {
        let socket: ZMQSocket
        switch message.sender {
        case .peer(let index):
            socket = message.endpoint == .client ? clientPeers[index] : workerPeers[index]
        case .crowd(let index):
            guard let member = crowdMember(index, endpoint: message.endpoint) else { return }
            socket = member
        }
        report.messages += 1
        report.frames += message.frames.count
        report.bytes += message.byteCount
        let name = message.label.prefix { $0 != "(" && $0 != "~" }
        report.byClass[String(name), default: 0] += 1
        sentSinceProbe[String(name), default: 0] += 1
        recent.append("#\(report.messages) \(message.summary)")
        if recent.count > 24 { recent.removeFirst() }
        do {
            guard try socket.send(message.frames) else {
                report.sendTimeouts += 1
                return
            }
        } catch {
            report.sendTimeouts += 1
            return
        }
        switch message.effect {
        case .none: break
        case .ready(let peer): knowledge.sentReady(peer: peer, wellFormed: true)
        case .disconnect(let peer): knowledge.sentDisconnect(peer: peer)
        case .answered(let peer, let ids): for id in ids { knowledge.answered(id, peer: peer) }
        }
    }

    /// A crowd member lingers after it is closed, so its one message still goes out.
    private func crowdMember(_ index: Int, endpoint: FuzzEndpoint) -> ZMQSocket? {
        if let socket = crowd[index] { return socket }
        guard let socket = try? Self.peer(context, connect: endpoint == .client ? clientEndpoint : workerEndpoint, routingId: nil, linger: 2000) else {
            return nil
        }
        crowd[index] = socket
        return socket
    }

    private func closeCrowd() {
        for socket in crowd.values { socket.close() }
        crowd.removeAll()
    }

    /// Reads every reply waiting on the standing peers; the dispatcher must not have to
    /// buffer replies for a reader that never reads.
    private func drainReplies() {
        for socket in clientPeers {
            for _ in 0..<10_000 {
                guard let frames = try? socket.receive(dontWait: true) else { break }
                knowledge.learn(fromClient: frames)
            }
        }
        for (index, socket) in workerPeers.enumerated() {
            for _ in 0..<10_000 {
                guard let frames = try? socket.receive(dontWait: true) else { break }
                knowledge.learn(fromWorker: frames, peer: index)
            }
        }
    }

    /// STATUS from a peer of its own; true once the report with its request id comes back.
    @available(*, noasync)
    private func probeAnswers(isAlive: () -> Bool, report: inout Report) -> Bool {
        probeRequestId += 1
        let sent = ContinuousClock.now
        let request = ClientMessage(requestId: probeRequestId, body: ClientRequest.status).encode()
        guard (try? probe.send(request)) == true else { return false }
        let deadline = ContinuousClock.now + settings.probeTimeout
        while ContinuousClock.now < deadline, isAlive() {
            drainReplies()
            guard let frames = try? probe.receive() else { continue }
            if let reply = try? ClientMessage<ClientReply>.decode(frames), reply.requestId == probeRequestId,
               case .statusReport = reply.body {
                report.probes += 1
                let waited = ContinuousClock.now - sent
                report.longestProbe = max(report.longestProbe, waited)
                if waited > .seconds(5) {
                    report.stalls.append("STATUS answered after \(String(format: "%.1f", waited.seconds)) s at message #\(report.messages), after: \(Self.busiest(sentSinceProbe))")
                }
                return true
            }
        }
        return false
    }

    private func noteResident(_ resident: Double?, report: inout Report) {
        guard let resident else { return }
        report.peakResidentMiB = max(report.peakResidentMiB, resident)
        if resident >= residentAtProbe + 16 {
            report.growth.append("\(residentAtProbe) → \(resident) MiB at message #\(report.messages), after: \(Self.busiest(sentSinceProbe))")
        }
        residentAtProbe = resident
        sentSinceProbe.removeAll()
    }

    /// The most sent message classes, floods first: a flood is one message or one burst.
    private static func busiest(_ sent: [String: Int]) -> String {
        sent.sorted { ($0.key.hasPrefix("flood") ? 1 : 0, $0.value) > ($1.key.hasPrefix("flood") ? 1 : 0, $1.value) }
            .prefix(12).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    private func failure(_ what: String, _ report: Report) -> String {
        return """
            live fuzz seed \(settings.seed): the dispatcher \(what) after message #\(report.messages). \
            Replay: CHUNGTAY_LIVEFUZZ_SEED=\(settings.seed) scripts/fuzz-live. Last messages sent, oldest first:
            \(recent.joined(separator: "\n"))
            """
    }
}
