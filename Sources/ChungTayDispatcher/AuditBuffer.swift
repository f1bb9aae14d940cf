/// Audit lines made since the last write to the trail, and when the trail is next synced.
///
/// Lines are gathered through the turn and written once at its end (one `write`), and the
/// file is synced about once a second, or at the end of a turn with a batch event: the
/// audit trail adds no fsync per turn to the task path.
struct AuditBuffer {
    var pending: [UInt8] = []
    /// A batch was opened, sealed or completed: sync at the end of this turn.
    var syncSoon = false
    var nextSync = 0.0
    /// The trail could not be written (e.g. a full disk); logged once per failure streak.
    var failing = false
    /// Bytes of lines dropped because writes kept failing and the pending lines reached
    /// ``maxPendingBytes``.
    var droppedBytes = 0

    /// Most bytes of lines kept while the trail cannot be written.
    static var maxPendingBytes: Int { 64 << 20 }

    /// Seconds between syncs while lines keep coming.
    static var syncInterval: Double { 1 }
}
