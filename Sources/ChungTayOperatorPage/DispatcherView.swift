import ChungTayClient
import ChungTayWire
import Dispatch
import ZeroMQ

/// What the listener knows of the dispatcher, learnt as any client learns it: STATUS and
/// BATCH-LIST over the client endpoint, at most once a second whoever asks, the answer
/// (or the failure) kept for that second.
///
/// The dispatcher's bound TCP (or IPC) client endpoint rather than a new `inproc://` bind:
/// its thread and its poll set stay exactly as they are, and the page sees what
/// `chungtay status` sees, through the same limits.
final class DispatcherView: @unchecked Sendable {
    /// One answer of the dispatcher.
    struct Snapshot: Sendable {
        /// STATUS-REPORT's document as sent: `/status.json` passes it on whole, so fields
        /// the dispatcher adds reach the page without a change here.
        var statusJSON: [UInt8]
        var status: StatusReport
        var batches: [BatchStatus]
    }

    /// The dispatcher's bound client endpoint.
    private let endpoint: String
    /// The dispatcher's own key pair with CURVE (admitted as `operators/dispatcher`).
    private let curve: CurveClientKeys?
    private let onSnapshot: @Sendable (Snapshot) -> Void
    /// Every use of `client` and `last` happens on this queue: `DispatcherClient` blocks and
    /// is not thread-safe, and the queue keeps it off Swift's cooperative threads.
    private let queue = DispatchQueue(label: "chungtay.operator-page.dispatcher")
    private var client: DispatcherClient?
    private var last: (at: ContinuousClock.Instant, outcome: Result<Snapshot, DispatcherViewError>)?
    private static let freshFor: Duration = .seconds(1)
    private static let timeout: Duration = .seconds(2)

    /// `onSnapshot` runs on the view's queue for each new answer (the metrics are fed there,
    /// once per answer, however many scrapes and pages read it).
    init(endpoint: String, curve: CurveClientKeys? = nil, onSnapshot: @escaping @Sendable (Snapshot) -> Void) {
        self.endpoint = endpoint
        self.curve = curve
        self.onSnapshot = onSnapshot
    }

    func snapshot() async throws(DispatcherViewError) -> Snapshot {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Snapshot, DispatcherViewError>, Never>) in
            queue.async { continuation.resume(returning: self.current()) }
        }
        return try outcome.get()
    }

    /// On the queue.
    private func current() -> Result<Snapshot, DispatcherViewError> {
        let now = ContinuousClock.now
        if let last, now - last.at < Self.freshFor { return last.outcome }
        let outcome = fetch()
        last = (now, outcome)
        if case .success(let snapshot) = outcome { onSnapshot(snapshot) }
        return outcome
    }

    private func fetch() -> Result<Snapshot, DispatcherViewError> {
        do throws(ClientError) {
            let client: DispatcherClient
            if let existing = self.client {
                client = existing
            } else {
                client = try DispatcherClient(endpoint: endpoint, timeout: Self.timeout, curve: curve)
                self.client = client
            }
            guard case .statusReport(let statusJSON) = try client.call(.status) else { throw .badReply("expected STATUS-REPORT") }
            guard case .batchInfo(let batchesJSON) = try client.call(.batchList) else { throw .badReply("expected BATCH-INFO") }
            do throws(WireError) {
                return .success(Snapshot(
                    statusJSON: statusJSON, status: try StatusReport(json: statusJSON),
                    batches: try BatchStatus.list(json: batchesJSON)))
            } catch {
                throw .badReply("\(error)")
            }
        } catch {
            // A new socket next time: replies to requests given up on must not be taken for new ones.
            client = nil
            return .failure(.dispatcher("\(error)"))
        }
    }
}

enum DispatcherViewError: Error, CustomStringConvertible {
    case dispatcher(String)

    var description: String {
        switch self {
        case .dispatcher(let message): "the dispatcher did not answer: \(message)"
        }
    }
}
