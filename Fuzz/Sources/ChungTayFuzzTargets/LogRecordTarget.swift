import ChungTayWire

/// `log-record`: what the log bus decodes from peers. The first input byte chooses: even,
/// the rest is one log record (a frame of a worker's LOG or of RECORDS); odd, the rest is a
/// CTLP01 message as the dispatcher's log ROUTER or a subscriber receives it (split by
/// `FrameSplit`; SUBSCRIBE carries a `LogFilter`).
///
/// Properties: a decoded record, filter or message encodes to bytes that decode to the same
/// value (when the encoding is within the size caps; the writer may escape more than the
/// input did).
enum LogRecordTarget {
    static let target = FuzzTarget(name: "log-record", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let selector = input.first else { return }
        let body = Array(input.dropFirst())
        if selector.isMultiple(of: 2) {
            guard let record = try? LogRecord.decode(body) else { return }
            let encoded = record.encode()
            guard encoded.count <= LogRecord.maxEncodedBytes else { return }
            try check((try? LogRecord.decode(encoded)) == record, "log record \(record) does not survive encode and decode")
        } else {
            guard let message = try? LogMessage.decode(FrameSplit.frames(body)[...]) else { return }
            let frames = message.encode()
            guard frames.allSatisfy({ $0.count <= LogRecord.maxEncodedBytes }) else { return }
            try check((try? LogMessage.decode(frames[...])) == message, "log message \(message) does not survive encode and decode")
        }
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let records = [
            LogRecord(time: "2026-12-04T04:00:00.000Z", level: .info, role: .dispatcher, host: "vm", message: "worker ready",
                      fields: ["credit": "256", "kinds": "system.echo"]),
            LogRecord(time: "2026-12-04T04:00:01.250Z", level: .debug, role: .worker, worker: "A", host: "máy-1",
                      message: "task finished", taskId: "42", kind: "household.review", batch: "B1", household: "TL-0001",
                      fields: ["seconds": "0.0012", "attempt": "1"]),
            LogRecord(time: "", level: .critical, role: .client, host: "", message: "Tánh Linh \"quoted\"\n\u{0}"),
        ]
        for (index, record) in records.enumerated() {
            seeds.add("record-\(index)", [0] + record.encode())
        }
        seeds.add("record-number-member", [0] + Array(#"{"time":"t","level":"info","role":"worker","host":"h","message":"m","n":1}"#.utf8))
        seeds.add("record-unknown-level", [0] + Array(#"{"time":"t","level":"loud","role":"worker","host":"h","message":"m"}"#.utf8))
        seeds.add("record-missing-message", [0] + Array(#"{"time":"t","level":"info","role":"worker","host":"h"}"#.utf8))
        let messages: [(String, LogMessage)] = [
            ("subscribe", .subscribe(LogSubscriptionRequest(
                filter: LogFilter(minimumLevel: .warning, worker: "A", kind: "loan.status", batch: "B2", grep: "failed"), tail: 100, follow: true))),
            ("subscribe-everything", .subscribe(LogSubscriptionRequest(filter: .everything, tail: .max, follow: false))),
            ("heartbeat", .heartbeat),
            ("cancel", .cancel),
            ("records", .records(records)),
            ("tail-end", .tailEnd),
            ("error", .error(code: "too_many_subscribers", message: "full")),
        ]
        for (name, message) in messages {
            seeds.add("message-" + name, [1] + FrameSplit.bytes(of: message.encode()))
        }
        seeds.add("message-filter-unknown-member", [1] + FrameSplit.bytes(of: [LogProtocol.header, [0x01], Array(#"{"colour":"red"}"#.utf8), [0, 0, 0, 1, 0]]))
        seeds.add("message-follow-2", [1] + FrameSplit.bytes(of: [LogProtocol.header, [0x01], Array("{}".utf8), [0, 0, 0, 1, 2]]))
        return seeds.seeds
    }
}
