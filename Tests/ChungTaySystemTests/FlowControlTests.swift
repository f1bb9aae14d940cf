import ChungTayWire
import Foundation
import Testing

extension SystemTests {
    /// Credit counts a worker's tasks; the byte window bounds their payloads. A worker that
    /// announces credit 100 gets only as many 100 kB tasks as fit in a 250 kB window, and one
    /// more for each it answers; the rest stay queued in the dispatcher.
    @Test func workerWindowBoundsThePayloadBytesAWorkerHolds() throws {
        let sandbox = try Sandbox("window")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(extra: ["--worker-window-bytes", "250000"])
        let client = dispatcher.clientEndpoint
        let worker = try RawPeer(.dealer, connect: dispatcher.workerEndpoint, receiveTimeoutMs: 100)
        try worker.send(WorkerMessage.ready(name: "windowed", kinds: ["test.window"], credit: 100).encode())
        try sandbox.waitForWorker("windowed", kind: "test.window", endpoint: client)

        /// Tasks that arrive until `seconds` pass with none, heartbeating all along so the
        /// dispatcher never takes the silent test for a dead worker.
        func tasksArriving(quietFor seconds: Double) throws -> [TaskAssignment] {
            var tasks: [TaskAssignment] = []
            var quietSince = Date()
            while Date().timeIntervalSince(quietSince) < seconds {
                try worker.send(WorkerMessage.heartbeat.encode())
                guard let frames = try worker.receiveIfAny() else { continue }
                if case .tasks(let batch)? = try? WorkerMessage.decode(frames.dropFirst()) {
                    tasks += batch
                    quietSince = Date()
                }
            }
            return tasks
        }

        let payload = try sandbox.writeFile("payload.json", "\"" + String(repeating: "x", count: 99_998) + "\"")
        var ids: [UInt64] = []
        for _ in 0..<5 {
            let submitted = try sandbox.cli(["submit", "test.window", payload.path, "--connect", client, "--timeout", "20"])
            #expect(submitted.status == 0, "\(submitted)")
            ids += try jobIds(submitted)
            try worker.send(WorkerMessage.heartbeat.encode())
        }
        try #require(ids.count == 5)

        let first = try tasksArriving(quietFor: 1.5)
        #expect(first.map(\.taskId) == Array(ids.prefix(2)), "two 100 kB tasks fit in 250 kB, a third does not")

        var answered = 0
        var received = first
        while answered < ids.count {
            try #require(answered < received.count, "a task should have come after \(answered) answers")
            let task = received[answered]
            let document = Array(#"{"taskId":"\#(task.taskId)","kind":"test.window","result":"ok"}"#.utf8)
            try worker.send(WorkerMessage.results([TaskResult(taskId: task.taskId, documents: [document], isList: false)]).encode())
            answered += 1
            let more = try tasksArriving(quietFor: answered < ids.count ? 1.0 : 0.2)
            received += more
            #expect(received.count - answered <= 2, "never more than two tasks held: \(received.map(\.taskId)), \(answered) answered")
        }
        #expect(received.map(\.taskId) == ids, "every task came, once, in order")
        #expect(sandbox.storeDocuments(kind: "test.window").count == 5)
    }
}
