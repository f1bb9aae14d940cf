import Synchronization

/// One `POST /v1/batches/{batch}:seal` at a time in the dispatcher's process.
///
/// Why: a seal's pass 1 (`ListIndex`) keeps the lists' keys and loan positions in memory
/// for the whole seal, and it runs in the dispatcher's own process on lists that remote
/// callers sent (`batch submit` runs it in the submitter's). The record caps
/// (`HTTPAPIConfiguration.maxSealHouseholds`, `maxSealLoans`) bound one seal's memory;
/// this bounds how many seals hold it at once. A seal that finds another under way waits
/// up to `patience` for its turn, so small batches sealed together simply follow each
/// other, then gets 429 `rate_limited` with Retry-After.
final class BatchSealGate: Sendable {
    /// The process's one gate.
    static let shared = BatchSealGate()
    /// How long a seal waits for the one under way to end.
    static let patience: Duration = .seconds(2)
    static let pollInterval: Duration = .milliseconds(50)
    /// What a refused seal is told: a large seal takes tens of seconds.
    static let retryAfterSeconds = 30

    private let busy = Mutex(false)

    /// Runs `body` as the process's one seal, or throws 429 when another holds the turn
    /// past `patience`.
    func withTurn<Value>(_ body: () async throws(HTTPProblem) -> Value) async throws(HTTPProblem) -> Value {
        let deadline = ContinuousClock.now + Self.patience
        while !enter() {
            let refusal = HTTPProblem(
                status: .tooManyRequests, code: "rate_limited",
                detail: "another batch is being sealed, and the listener seals one at a time; retry later",
                headers: [.retryAfter: "\(Self.retryAfterSeconds)"])
            guard ContinuousClock.now < deadline else { throw refusal }
            do {
                try await Task.sleep(for: Self.pollInterval)
            } catch {
                throw refusal
            }
        }
        defer { busy.withLock { $0 = false } }
        return try await body()
    }

    private func enter() -> Bool {
        busy.withLock { taken in
            guard !taken else { return false }
            taken = true
            return true
        }
    }
}
