@testable import ChungTayDispatcher
import ChungTayWire
import Foundation
import Logging
import ZeroMQ

/// A clock a test moves by hand: the dispatcher's deadlines pass only when the test says so.
final class ManualClock: DispatcherClock {
    private(set) var now: Double = 1000
    private(set) var date = Date(timeIntervalSince1970: 1_800_000_000)

    func advance(by seconds: Double) {
        now += seconds
        date += seconds
    }
}

/// A dispatcher run turn by turn in the test's thread: a journal and stores in a temporary
/// directory, the manual clock, and `inproc://` endpoints in a context the test's peers
/// share. A message a peer sends is in the dispatcher's socket when `send` returns, and what
/// the dispatcher sends in a turn is in the peer's socket when the turn returns, so "nothing
/// more arrived" is a non-blocking receive after the turn, not a quiet window.
final class InProcessDispatcher {
    let clock = ManualClock()
    let context: ZMQContext
    let directory: URL
    let dispatcher: Dispatcher<ManualClock>
    private var peers: [ZMQSocket] = []

    init(_ configure: (inout DispatcherConfiguration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-turns-\(UUID().uuidString)")
        var configuration = DispatcherConfiguration(
            dataDirectory: directory, clientEndpoint: "inproc://clients", workerEndpoint: "inproc://workers")
        configure(&configuration)
        try configuration.validate()
        let logger = Logger(label: "dispatcher-turns") { _ in SwiftLogNoOpLogHandler() }
        context = try ZMQContext()
        dispatcher = try Dispatcher(
            configuration: configuration, storage: try DispatcherStorage.open(directory, logger: logger), clock: clock,
            context: context, logger: logger)
    }

    deinit {
        for peer in peers { peer.close() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// One dispatcher turn that does not wait for its sockets.
    func turn() throws {
        try dispatcher.runTurn(pollTimeoutMilliseconds: 0)
    }

    /// Moves the clock in steps of at most a second with a turn after each, `beforeEachTurn`
    /// (e.g. workers' heartbeats) first: a longer jump would be the dispatcher's own absence,
    /// which excuses workers' silence.
    func advance(by seconds: Double, beforeEachTurn: () throws -> Void = {}) throws {
        var left = seconds
        while left > 0 {
            let step = min(1, left)
            clock.advance(by: step)
            left -= step
            try beforeEachTurn()
            try turn()
        }
    }

    fileprivate func connect(_ endpoint: String) throws -> ZMQSocket {
        let socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setLinger(milliseconds: 0)
        try socket.connect(endpoint)
        peers.append(socket)
        return socket
    }

    /// The stored documents of `kind`, in the order stored.
    func storedDocuments(kind: String) throws -> [[String: Any]] {
        let folder = directory.appendingPathComponent("store").appendingPathComponent(kind)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jsonl") }.sorted()
        return try names.flatMap { name in
            try Data(contentsOf: folder.appendingPathComponent(name)).split(separator: UInt8(ascii: "\n")).map(jsonObject)
        }
    }
}

/// A native CTWP01 worker: frames built and read with ChungTayWire's encoders.
final class TurnWorker {
    let socket: ZMQSocket

    init(_ dispatcher: InProcessDispatcher, name: String, kinds: [String], credit: UInt32) throws {
        socket = try dispatcher.connect(dispatcher.dispatcher.boundWorkerEndpoint)
        try send(.ready(name: name, kinds: kinds, credit: credit))
    }

    func send(_ message: WorkerMessage) throws {
        guard try socket.send(message.encode(), dontWait: true) else { throw TurnTestError("worker send would block") }
    }

    func heartbeat() throws { try send(.heartbeat(nil)) }

    func succeed(_ task: TaskAssignment, keys: [String] = []) throws {
        let document = Array(#"{"taskId":"\#(task.taskId)","kind":"\#(task.kind)","result":"ok"}"#.utf8)
        try send(.results([TaskResult(taskId: task.taskId, documents: [document], isList: false, keys: keys)]))
    }

    func fail(_ task: TaskAssignment) throws {
        try send(.failures([TaskFailure(taskId: task.taskId, retryable: true, code: "boom", message: "failed on purpose")]))
    }

    /// The tasks that have arrived since the last call, without waiting; heartbeats are skipped,
    /// anything else is an error.
    func receivedTasks() throws -> [TaskAssignment] {
        var tasks: [TaskAssignment] = []
        while let frames = try socket.receive(dontWait: true) {
            guard frames.first == WorkerProtocol.header else { throw TurnTestError("not a CTWP01 message") }
            switch try WorkerMessage.decode(frames.dropFirst()) {
            case .tasks(let batch): tasks += batch
            case .heartbeat: continue
            case let other: throw TurnTestError("unexpected \(other)")
            }
        }
        return tasks
    }
}

/// A native CTCP01 client.
final class TurnClient {
    let socket: ZMQSocket
    private var nextRequestId: UInt64 = 1

    init(_ dispatcher: InProcessDispatcher) throws {
        socket = try dispatcher.connect(dispatcher.dispatcher.boundClientEndpoint)
    }

    @discardableResult
    func send(_ request: ClientRequest) throws -> UInt64 {
        let requestId = nextRequestId
        nextRequestId += 1
        guard try socket.send(ClientMessage(requestId: requestId, body: request).encode(), dontWait: true) else {
            throw TurnTestError("client send would block")
        }
        return requestId
    }

    /// The replies that have arrived since the last call, without waiting.
    func replies() throws -> [ClientMessage<ClientReply>] {
        var replies: [ClientMessage<ClientReply>] = []
        while let frames = try socket.receive(dontWait: true) { replies.append(try ClientMessage<ClientReply>.decode(frames)) }
        return replies
    }

    /// Sends `request`, runs one turn and returns the one reply it got.
    func ask(_ request: ClientRequest, in dispatcher: InProcessDispatcher) throws -> ClientReply {
        let requestId = try send(request)
        try dispatcher.turn()
        let replies = try replies()
        guard replies.count == 1, let reply = replies.first, reply.requestId == requestId else {
            throw TurnTestError("expected one reply to request \(requestId), got \(replies)")
        }
        return reply.body
    }

    /// The job document JOB answers with.
    func job(_ id: UInt64, in dispatcher: InProcessDispatcher) throws -> [String: Any] {
        guard case .jobInfo(let json) = try ask(.job(id), in: dispatcher) else { throw TurnTestError("no JOB-INFO for job \(id)") }
        return try jsonObject(json)
    }
}

func jsonObject(_ bytes: some Sequence<UInt8>) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
        throw TurnTestError("not a JSON object: \(String(decoding: Array(bytes), as: UTF8.self))")
    }
    return object
}

struct TurnTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
