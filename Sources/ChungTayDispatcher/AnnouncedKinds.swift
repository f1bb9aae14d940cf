import ChungTayWire

/// The kinds workers announced (READY): those the journal holds, and those accepted since
/// that no commit has recorded yet. The second set lives across turns, so a failed commit
/// (a full disk) does not forget them: each turn's batch carries them until one commits,
/// and until then they count against the cap like the rest.
struct AnnouncedKinds {
    /// Most distinct kinds the dispatcher takes from announcements and keeps in the journal
    /// for good; READY with a kind beyond them is refused (`too_many_kinds`). Every accepted
    /// kind is a queue in every STATUS reply, so without it announcements could grow that
    /// reply and the journal without end.
    static let maxCount = 1024

    private(set) var persisted: Set<String>
    private(set) var unpersisted: Set<String> = []

    init(persisted: Set<String>) {
        self.persisted = persisted
    }

    /// Why a worker announcing `kinds` cannot register, or nil.
    func refusal(_ kinds: [String]) -> WireError? {
        guard kinds.count <= WorkerProtocol.maxKindsPerWorker else {
            return WireError(.tooManyKinds, "READY announces \(kinds.count) kinds, at most \(WorkerProtocol.maxKindsPerWorker) are allowed")
        }
        let new = Set(kinds).filter { !persisted.contains($0) && !unpersisted.contains($0) }.count
        guard persisted.count + unpersisted.count + new <= Self.maxCount else {
            return WireError(.tooManyKinds, "the dispatcher already accepts \(Self.maxCount) announced kinds; no new ones are taken")
        }
        return nil
    }

    mutating func accept(_ kinds: [String]) {
        for kind in kinds where !persisted.contains(kind) { unpersisted.insert(kind) }
    }

    /// A commit recorded these kinds.
    mutating func committed(_ kinds: Set<String>) {
        persisted.formUnion(kinds)
        unpersisted.subtract(kinds)
    }
}
