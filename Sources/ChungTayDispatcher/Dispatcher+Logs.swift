import ChungTayWire

/// The log bus's part of the dispatcher: workers' LOG messages in, and the figures about it.
extension Dispatcher {
    /// The endpoint the log bus bound (a `*` port resolved); nil without a log bus.
    public var boundLogEndpoint: String? { logBus?.boundEndpoint }

    /// Log records lost on the dispatcher: its own buffer full, or a subscriber's queue full.
    /// Workers count their own losses (`WorkerRuntime.logRecordsDropped`) and report them.
    public var logRecordsDropped: Int { logBus?.droppedCount ?? 0 }

    /// A worker's records, as the worker it came from: the role and name it claims are
    /// replaced by those it registered with, so no worker can write in another's name.
    func receivedLog(_ records: [LogRecord], from worker: String) {
        guard let logBus else { return }
        logBus.received(records.map { record in
            var record = record
            record.role = .worker
            record.worker = worker
            return record
        })
    }
}
