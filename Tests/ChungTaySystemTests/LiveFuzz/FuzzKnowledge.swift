import ChungTayWire
import Foundation

/// What the fuzzer has learnt from the dispatcher's replies, so the grammar can aim at
/// real state: ids that exist, batches that are open, tasks a peer holds (or another holds).
///
/// Every list is capped, so a long run does not grow the fuzzer itself without bound.
struct FuzzKnowledge {
    /// Job ids from ACCEPTED replies, newest last.
    private(set) var jobIds: [UInt64] = []
    /// Jobs a fuzz worker answered while it held the lease: most of them are final now.
    private(set) var answeredIds: [UInt64] = []
    /// Batch ids and names from BATCH-INFO replies.
    private(set) var batchIds: [String] = []
    private(set) var batchNames: [String] = []
    /// Per standing worker peer, the tasks the dispatcher leased to it (task id → kind).
    private(set) var leases: [Int: [UInt64: String]] = [:]
    /// Standing worker peers whose last READY was well formed and not followed by a DISCONNECT.
    private(set) var registered: Set<Int> = []
    /// Reply codes and commands seen, for the run's statistics.
    private(set) var replies: [String: Int] = [:]
    /// Messages of `storage` errors: on a healthy disk each one is a request the
    /// dispatcher failed to handle, blamed on storage.
    private(set) var storageErrors: [String] = []
    /// Bytes of every reply on the client endpoint, for the statistics.
    private(set) var replyBytes = 0

    static let cap = 4096

    mutating func learn(fromClient frames: [[UInt8]]) {
        replyBytes += frames.reduce(0) { $0 + $1.count }
        // A DEALER sees no envelope; a REQ-style message keeps its empty delimiter.
        let body = frames.first?.isEmpty == true ? Array(frames.dropFirst()) : frames
        if body.first == Majordomo.clientHeader {
            replies["mdpc.reply", default: 0] += 1
            return
        }
        guard let reply = try? ClientMessage<ClientReply>.decode(body) else {
            replies["client.undecodable", default: 0] += 1
            return
        }
        switch reply.body {
        case .accepted(let receipts):
            replies["ACCEPTED", default: 0] += 1
            Self.remember(receipts.map(\.jobId), in: &jobIds)
        case .batchInfo(let json):
            replies["BATCH-INFO", default: 0] += 1
            let objects: [[String: Any]]
            switch try? JSONSerialization.jsonObject(with: Data(json)) {
            case let object as [String: Any]: objects = [object]
            case let array as [[String: Any]]: objects = array
            default: objects = []
            }
            for object in objects.suffix(64) {
                if let id = object["id"] as? String, !batchIds.contains(id) { Self.remember([id], in: &batchIds) }
                if let name = object["name"] as? String, !batchNames.contains(name) { Self.remember([name], in: &batchNames) }
            }
        case .error(let code, let message):
            replies["ERROR \(code)", default: 0] += 1
            if code == WireError.Code.storage.rawValue, storageErrors.count < 10 { storageErrors.append(String(message.prefix(300))) }
        case .jobInfo: replies["JOB-INFO", default: 0] += 1
        case .waitDone: replies["WAIT-DONE", default: 0] += 1
        case .statusReport: replies["STATUS-REPORT", default: 0] += 1
        case .deadLetterList: replies["DEAD-LETTER-LIST", default: 0] += 1
        case .retried: replies["RETRIED", default: 0] += 1
        case .documents: replies["DOCUMENTS", default: 0] += 1
        }
    }

    mutating func learn(fromWorker frames: [[UInt8]], peer: Int) {
        if frames.first?.isEmpty == true, frames.dropFirst().first == Majordomo.workerHeader {
            guard let message = try? Majordomo.WorkerMessage.decode(frames.dropFirst()) else { return }
            switch message {
            case .request(let address, _):
                replies["MDP REQUEST", default: 0] += 1
                if address.count == 8, let id = try? IdList.decode(address).first { leases[peer, default: [:]][id] = "mdp" }
            case .disconnect:
                replies["MDP DISCONNECT", default: 0] += 1
                leases[peer] = nil
            case .heartbeat, .ready, .reply:
                break
            }
            return
        }
        guard frames.first == WorkerProtocol.header, let message = try? WorkerMessage.decode(frames.dropFirst()) else {
            replies["worker.undecodable", default: 0] += 1
            return
        }
        switch message {
        case .tasks(let tasks):
            replies["TASKS", default: 0] += 1
            for task in tasks where (leases[peer]?.count ?? 0) < Self.cap { leases[peer, default: [:]][task.taskId] = task.kind }
        case .disconnect(let reason):
            replies["DISCONNECT \(reason)", default: 0] += 1
            registered.remove(peer)
            leases[peer] = nil
        case .error(let code, _):
            replies["WORKER ERROR \(code)", default: 0] += 1
        case .heartbeat, .ready, .results, .failures, .log:
            break
        }
    }

    mutating func sentReady(peer: Int, wellFormed: Bool) {
        if wellFormed { registered.insert(peer) }
    }

    mutating func sentDisconnect(peer: Int) {
        registered.remove(peer)
        leases[peer] = nil
    }

    /// A fuzz worker answered `id`: the lease is gone either way, and the job is likely final.
    mutating func answered(_ id: UInt64, peer: Int) {
        guard leases[peer]?.removeValue(forKey: id) != nil else { return }
        Self.remember([id], in: &answeredIds)
    }

    private static func remember<T>(_ values: [T], in list: inout [T]) {
        list.append(contentsOf: values.suffix(Self.cap))
        if list.count > Self.cap { list.removeFirst(list.count - Self.cap) }
    }
}
