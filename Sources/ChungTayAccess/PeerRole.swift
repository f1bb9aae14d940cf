/// What a key may do, named by the allow directory's subdirectory that admits it.
public enum PeerRole: String, Sendable, CaseIterable {
    /// Submit jobs, open and follow their own batches, read their own results.
    case clients
    /// Serve kinds (all, or those their key file lists).
    case workers
    /// Read logs, status and every batch; retry dead letters.
    case operators
}
