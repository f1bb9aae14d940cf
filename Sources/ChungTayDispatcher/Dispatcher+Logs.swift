import ChungTayRuntime
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
    /// Its text goes through the personal-data mask again (a worker of another build, or
    /// any peer, may send what its own handler never masked), and a time not shaped like
    /// RFC 3339 is replaced by the dispatcher's, so records still sort by time.
    func receivedLog(_ records: [LogRecord], from worker: String) {
        guard let logBus else { return }
        logBus.received(records.map { record in
            var record = record
            record.role = .worker
            record.worker = worker
            record.masked(receivedAt: Timestamp.now())
            return record
        })
    }
}

extension LogRecord {
    mutating func masked(receivedAt now: @autoclosure () -> String) {
        if !Self.isTimestamp(time) { time = now() }
        host = PersonalDataMask.mask(host)
        message = PersonalDataMask.mask(message)
        taskId = taskId.map(PersonalDataMask.mask)
        kind = kind.map(PersonalDataMask.mask)
        batch = batch.map(PersonalDataMask.mask)
        household = household.map(PersonalDataMask.mask)
        var clean: [String: String] = [:]
        for (key, value) in fields { clean[PersonalDataMask.mask(key)] = PersonalDataMask.mask(value) }
        fields = clean
    }

    /// `YYYY-MM-DDTHH:MM:SS`, optional fraction, `Z`: the shape `Timestamp.rfc3339` writes.
    static func isTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 30, bytes.last == UInt8(ascii: "Z") else { return false }
        let pattern = Array("dddd-dd-ddTdd:dd:dd".utf8)
        for (index, shape) in pattern.enumerated() {
            let byte = bytes[index]
            let fits = shape == UInt8(ascii: "d") ? (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) : byte == shape
            guard fits else { return false }
        }
        let rest = bytes[pattern.count..<(bytes.count - 1)]
        if rest.isEmpty { return true }
        return rest.first == UInt8(ascii: ".") && rest.count >= 2 && rest.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
