import ChungTayWire
import Dispatch
import Foundation
import Synchronization
import ZeroMQ

/// A raw ZeroMQ socket connected to one of the dispatcher's endpoints, for speaking
/// the protocols frame by frame. Every receive is bounded, so no test can hang on it.
final class RawPeer {
    let context: ZMQContext
    let socket: ZMQSocket

    init(_ type: SocketType, connect endpoint: String, receiveTimeoutMs: Int32 = 15_000) throws {
        context = try ZMQContext()
        socket = try ZMQSocket(context: context, type: type)
        try socket.setLinger(milliseconds: 0)
        try socket.setReceiveTimeout(milliseconds: receiveTimeoutMs)
        try socket.setSendTimeout(milliseconds: 5000)
        try socket.connect(endpoint)
    }

    deinit {
        socket.close()
    }

    @available(*, noasync)
    func send(_ frames: [[UInt8]]) throws {
        guard try socket.send(frames) else { throw HarnessError("could not send within 5 s") }
    }

    /// The next message, or an error when none came within the receive timeout.
    @available(*, noasync)
    func receive(_ what: String) throws -> [[UInt8]] {
        guard let frames = try socket.receive() else { throw HarnessError("no \(what) within the receive timeout") }
        return frames
    }

    /// The next message, or nil after the receive timeout.
    @available(*, noasync)
    func receiveIfAny() throws -> [[UInt8]]? {
        try socket.receive()
    }
}

func frame(_ text: String) -> [UInt8] { Array(text.utf8) }

func text(_ frame: [UInt8]) -> String { String(decoding: frame, as: UTF8.self) }

func u64(_ value: UInt64) -> [UInt8] { IdList.encode([value]) }

/// A native CTWP01 worker written with a bare DEALER socket: READY with credit 1,
/// heartbeats, and for every task a FAIL (retryable, code "boom") or a RESULT,
/// as the test sets it. It runs on a thread of its own.
final class FakeNativeWorker: Sendable {
    enum Behaviour: Sendable { case fail, succeed }

    let endpoint: String
    let name: String
    let kind: String
    private let behaviour = Mutex<Behaviour>(.fail)
    private let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let seen = Mutex<[UInt64: [UInt16]]>([:])
    private let notes = Mutex<[String]>([])

    init(endpoint: String, name: String, kind: String) {
        self.endpoint = endpoint
        self.name = name
        self.kind = kind
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "fake-native-worker-\(name)"
        thread.start()
    }

    func setBehaviour(_ value: Behaviour) {
        behaviour.withLock { $0 = value }
    }

    /// Attempt numbers the dispatcher sent for a task, in arrival order.
    func attempts(of taskId: UInt64) -> [UInt16] {
        seen.withLock { $0[taskId] ?? [] }
    }

    var log: [String] { notes.withLock { $0 } }

    /// Says DISCONNECT and ends the thread; false if it did not end within 10 s.
    @discardableResult
    func stop() -> Bool {
        stopRequested.store(true, ordering: .relaxed)
        return finished.wait(timeout: .now() + 10) == .success
    }

    private func note(_ line: String) {
        notes.withLock { $0.append(line) }
    }

    private func run() {
        defer { finished.signal() }
        do {
            let context = try ZMQContext()
            let socket = try ZMQSocket(context: context, type: .dealer)
            defer { socket.close() }
            try socket.setLinger(milliseconds: 500)
            try socket.setReceiveTimeout(milliseconds: 50)
            try socket.connect(endpoint)
            let ready = WorkerMessage.ready(name: name, kinds: [kind], credit: 1).encode()
            try socket.send(ready)
            var nextHeartbeat = ContinuousClock.now + .milliseconds(150)
            while !stopRequested.load(ordering: .relaxed) {
                if ContinuousClock.now >= nextHeartbeat {
                    try socket.send(WorkerMessage.heartbeat(nil).encode())
                    nextHeartbeat = ContinuousClock.now + .milliseconds(150)
                }
                guard let frames = try socket.receive() else { continue }
                guard frames.first == WorkerProtocol.header, let message = try? WorkerMessage.decode(frames.dropFirst()) else {
                    note("undecodable message from the dispatcher: \(frames.map(text))")
                    continue
                }
                switch message {
                case .tasks(let tasks):
                    for task in tasks {
                        seen.withLock { $0[task.taskId, default: []].append(task.attempt) }
                        let reply: WorkerMessage = switch behaviour.withLock({ $0 }) {
                        case .fail:
                            .failures([TaskFailure(taskId: task.taskId, retryable: true, code: "boom", message: "fake failure on attempt \(task.attempt)")])
                        case .succeed:
                            .results([TaskResult(taskId: task.taskId, documents: [Array(
                                #"{"taskId":"\#(task.taskId)","kind":"\#(task.kind)","worker":"\#(name)","result":"recovered"}"#.utf8)], isList: false)])
                        }
                        try socket.send(reply.encode())
                    }
                case .disconnect(let reason):
                    note("DISCONNECT \(reason); READY again")
                    try socket.send(ready)
                case .error(let code, let message):
                    note("ERROR \(code): \(message)")
                case .heartbeat, .ready, .results, .failures, .log:
                    break
                }
            }
            _ = try? socket.send(WorkerMessage.disconnect(reason: "test over").encode(), dontWait: true)
        } catch {
            note("fake worker stopped on \(error)")
        }
    }
}

/// An MDP/0.1 worker (7/MDP, MDPW01) written with a bare DEALER socket: READY for one
/// service, heartbeats, and a REPLY computed by `answer` for every REQUEST.
final class FakeMajordomoWorker: Sendable {
    let endpoint: String
    let service: String
    private let answer: @Sendable ([UInt8]) -> [UInt8]
    private let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let notes = Mutex<[String]>([])
    private let requests = Mutex<[[[UInt8]]]>([])

    init(endpoint: String, service: String, answer: @escaping @Sendable ([UInt8]) -> [UInt8]) {
        self.endpoint = endpoint
        self.service = service
        self.answer = answer
    }

    static let header = Array("MDPW01".utf8)

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "fake-mdp-worker-\(service)"
        thread.start()
    }

    var log: [String] { notes.withLock { $0 } }

    /// Every REQUEST received, frames as they arrived (after the DEALER's view of the envelope).
    var receivedRequests: [[[UInt8]]] { requests.withLock { $0 } }

    @discardableResult
    func stop() -> Bool {
        stopRequested.store(true, ordering: .relaxed)
        return finished.wait(timeout: .now() + 10) == .success
    }

    private func note(_ line: String) {
        notes.withLock { $0.append(line) }
    }

    private func run() {
        defer { finished.signal() }
        do {
            let context = try ZMQContext()
            let socket = try ZMQSocket(context: context, type: .dealer)
            defer { socket.close() }
            try socket.setLinger(milliseconds: 500)
            try socket.setReceiveTimeout(milliseconds: 50)
            try socket.connect(endpoint)
            try socket.send([[], Self.header, [0x01], Array(service.utf8)])
            var nextHeartbeat = ContinuousClock.now + .milliseconds(150)
            while !stopRequested.load(ordering: .relaxed) {
                if ContinuousClock.now >= nextHeartbeat {
                    try socket.send([[], Self.header, [0x04]])
                    nextHeartbeat = ContinuousClock.now + .milliseconds(150)
                }
                guard let frames = try socket.receive() else { continue }
                guard frames.count >= 3, frames[0].isEmpty, frames[1] == Self.header, frames[2].count == 1 else {
                    note("not an MDPW01 message: \(frames.map(text))")
                    continue
                }
                switch frames[2][0] {
                case 0x02:
                    requests.withLock { $0.append(frames) }
                    guard frames.count == 6, frames[4].isEmpty else {
                        note("REQUEST of unexpected shape: \(frames.count) frames")
                        continue
                    }
                    try socket.send([[], Self.header, [0x03], frames[3], [], answer(frames[5])])
                case 0x04:
                    break
                case 0x05:
                    note("DISCONNECT from the broker")
                default:
                    note("unexpected command \(frames[2][0])")
                }
            }
            _ = try? socket.send([[], Self.header, [0x05]], dontWait: true)
        } catch {
            note("fake MDP worker stopped on \(error)")
        }
    }
}
