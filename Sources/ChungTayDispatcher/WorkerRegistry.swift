import ChungTayWire

/// A connected worker as the dispatcher knows it.
struct WorkerRecord {
    enum WireProtocol { case native, majordomo }

    var envelope: Envelope
    var name: String
    var kinds: [String]
    var credit: Int
    var wireProtocol: WireProtocol
    /// Monotonic seconds of the last message received from it.
    var lastSeen: Double
    /// With CURVE, the principal of its key (`workers/NAME`): `name` is only what its READY
    /// claimed, and several instances may share one key, so the audit names both.
    var principal: String? = nil
}

/// Connected workers, and for each kind the workers serving it in round-robin order.
struct WorkerRegistry {
    private(set) var workers: [Envelope: WorkerRecord] = [:]
    private var servers: [String: [Envelope]] = [:]
    private var nextServer: [String: Int] = [:]

    subscript(envelope: Envelope) -> WorkerRecord? { workers[envelope] }

    mutating func register(_ worker: WorkerRecord) {
        remove(worker.envelope)
        workers[worker.envelope] = worker
        for kind in worker.kinds { servers[kind, default: []].append(worker.envelope) }
    }

    @discardableResult
    mutating func remove(_ envelope: Envelope) -> WorkerRecord? {
        guard let worker = workers.removeValue(forKey: envelope) else { return nil }
        for kind in worker.kinds {
            servers[kind]?.removeAll { $0 == envelope }
            if servers[kind]?.isEmpty == true { servers[kind] = nil }
        }
        return worker
    }

    mutating func touch(_ envelope: Envelope, at now: Double) {
        workers[envelope]?.lastSeen = now
    }

    /// Counts every worker as heard from at `now`.
    mutating func excuseSilence(at now: Double) {
        for envelope in workers.keys { workers[envelope]?.lastSeen = now }
    }

    func serves(_ kind: String) -> Bool { servers[kind] != nil }

    /// Workers serving `kind`, starting after the one served last, so load spreads evenly.
    mutating func rotation(for kind: String) -> [Envelope] {
        guard let list = servers[kind], !list.isEmpty else { return [] }
        let start = (nextServer[kind] ?? 0) % list.count
        nextServer[kind] = start + 1
        return Array(list[start...] + list[..<start])
    }

    /// Workers not heard from since `deadline`.
    func silent(since deadline: Double) -> [Envelope] {
        workers.values.filter { $0.lastSeen < deadline }.map(\.envelope)
    }
}
