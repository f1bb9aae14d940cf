import ChungTayWire
import ZeroMQ

/// The worker's side of the log bus: its records go to the dispatcher in CTWP01 LOG
/// messages from the I/O thread, once per loop turn, never waiting.
extension WorkerRuntime {
    /// Log records this worker lost: its buffer was full, a record was over
    /// `LogRecord.maxEncodedBytes`, or a LOG could not be queued. The figure a worker
    /// reports to the dispatcher (status: `logRecordsDropped`).
    public var logRecordsDropped: Int { configuration.logSink?.droppedCount ?? 0 }

    /// Sends what the sink holds in LOG messages within `LogProtocol`'s per-message caps.
    /// A send that would block (EAGAIN) or fails drops that message's records, counted.
    func shipLogs(to socket: ZMQSocket) {
        guard let sink = configuration.logSink else { return }
        let records = sink.takeAll()
        guard !records.isEmpty else { return }
        let prefix = WorkerMessage.log([]).encode()
        var frames = prefix
        var bytes = 0
        func flush() {
            guard frames.count > prefix.count else { return }
            let sent = (try? socket.send(frames, dontWait: true)) ?? false
            if !sent { sink.countDropped(frames.count - prefix.count) }
            frames = prefix
            bytes = 0
        }
        for record in records {
            let encoded = record.encode()
            guard encoded.count <= LogRecord.maxEncodedBytes else { sink.countDropped(1); continue }
            if frames.count - prefix.count == LogProtocol.maxRecordsPerMessage || bytes + encoded.count > LogProtocol.maxBytesPerMessage {
                flush()
            }
            frames.append(encoded)
            bytes += encoded.count
        }
        flush()
    }
}
