/// What a native worker reports of itself with each HEARTBEAT (docs/PROTOCOL.md,
/// "HEARTBEAT"): its host, whether it drains, what it holds, and per kind the tasks it
/// finished since it started, with their durations. Figures are cumulative, so a lost
/// heartbeat loses nothing; the dispatcher takes the difference between two reports.
public struct WorkerStats: Equatable, Sendable {
    public struct KindFigures: Equatable, Sendable {
        /// Tasks whose handler returned a result.
        public var done: UInt64
        /// Tasks whose handler failed (retryable or not).
        public var failed: UInt64
        /// Durations of both, done and failed, measured around the handler.
        public var durations: DurationHistogram

        public init(done: UInt64 = 0, failed: UInt64 = 0, durations: DurationHistogram = DurationHistogram()) {
            self.done = done
            self.failed = failed
            self.durations = durations
        }

        /// Adds `other` in place; a figure that would overflow stops at its maximum.
        public mutating func add(_ other: KindFigures) {
            let (done, doneOverflow) = done.addingReportingOverflow(other.done)
            let (failed, failedOverflow) = failed.addingReportingOverflow(other.failed)
            self.done = doneOverflow ? .max : done
            self.failed = failedOverflow ? .max : failed
            durations.add(other.durations)
        }

        /// One task finished after `nanoseconds`, done or failed; in place, without allocating.
        public mutating func count(done isDone: Bool, nanoseconds: UInt64) {
            if isDone { done = done < .max ? done + 1 : .max } else { failed = failed < .max ? failed + 1 : .max }
            durations.observe(nanoseconds: nanoseconds)
        }

        /// What was added since `earlier`; nil when a figure went down.
        public func subtracting(_ earlier: KindFigures) -> KindFigures? {
            let (done, doneOverflow) = done.subtractingReportingOverflow(earlier.done)
            let (failed, failedOverflow) = failed.subtractingReportingOverflow(earlier.failed)
            guard !doneOverflow, !failedOverflow, let durations = durations.subtracting(earlier.durations) else { return nil }
            return KindFigures(done: done, failed: failed, durations: durations)
        }
    }

    /// Format version 1; a document of any other version is refused.
    public static let version: UInt8 = 1
    /// Longest host name kept (the length travels in one octet).
    public static let maxHostBytes = 255

    /// Host name, at most ``maxHostBytes`` of UTF-8 (a longer one is cut at a character boundary).
    public var host: String {
        didSet { host = Self.shortened(host) }
    }
    public var draining: Bool
    /// Tasks the worker holds: queued locally and running.
    public var inFlight: UInt32
    /// Log records the worker dropped because its log buffer or the dispatcher could not
    /// take them.
    public var logRecordsDropped: UInt64
    /// By kind name; at most `WorkerProtocol.maxKindsPerWorker` kinds.
    public var kinds: [String: KindFigures]

    public init(host: String, draining: Bool = false, inFlight: UInt32 = 0, logRecordsDropped: UInt64 = 0,
                kinds: [String: KindFigures] = [:]) {
        self.host = Self.shortened(host)
        self.draining = draining
        self.inFlight = inFlight
        self.logRecordsDropped = logRecordsDropped
        self.kinds = kinds
    }

    private static func shortened(_ host: String) -> String {
        guard host.utf8.count > maxHostBytes else { return host }
        var end = host.utf8.index(host.utf8.startIndex, offsetBy: maxHostBytes)
        while host.utf8[end] & 0xC0 == 0x80 { end = host.utf8.index(before: end) }
        return String(host[..<end])
    }

    /// The frame (big-endian): `version:u8 flags:u8 in-flight:u32 log-dropped:u64
    /// host:u8-length-string kind-count:u8`, then per kind `kind:u8-length-string done:u64
    /// failed:u64 sum-ns:u64` and one u64 count per histogram bucket. Flags bit 0: draining.
    /// Kinds in name order, so equal stats give equal bytes.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 32 + kinds.count * (48 + 8 * DurationHistogram.bucketCount))
        writer.write(Self.version)
        writer.write(UInt8(draining ? 1 : 0))
        writer.write(inFlight)
        writer.write(logRecordsDropped)
        writer.write(host, lengthAs: UInt8.self)
        let sorted = kinds.sorted { $0.key < $1.key }.prefix(WorkerProtocol.maxKindsPerWorker)
        writer.write(UInt8(sorted.count))
        for (kind, figures) in sorted {
            writer.write(kind, lengthAs: UInt8.self)
            writer.write(figures.done)
            writer.write(figures.failed)
            writer.write(figures.durations.sumNanoseconds)
            for count in figures.durations.counts { writer.write(count) }
        }
        return writer.bytes
    }

    /// - Throws: `malformed` for another version, unknown flags, a kind that is not a kind
    ///   name or comes twice, too many kinds, a bucket total other than done + failed, a
    ///   duration sum above what the bucket counts allow, or bytes left over.
    public init(frame: [UInt8]) throws(WireError) {
        var reader = ByteReader(frame, context: "worker stats")
        let version = try reader.readInteger(UInt8.self, field: "version")
        guard version == Self.version else { throw WireError(.malformed, "worker stats version \(version) is not \(Self.version)") }
        let flags = try reader.readInteger(UInt8.self, field: "flags")
        guard flags & ~1 == 0 else { throw WireError(.malformed, "worker stats has unknown flags") }
        let inFlight = try reader.readInteger(UInt32.self, field: "in flight")
        let dropped = try reader.readInteger(UInt64.self, field: "log records dropped")
        let host = try reader.readString(lengthAs: UInt8.self, field: "host")
        let kindCount = Int(try reader.readInteger(UInt8.self, field: "kind count"))
        guard kindCount <= WorkerProtocol.maxKindsPerWorker else {
            throw WireError(.malformed, "worker stats lists \(kindCount) kinds, more than \(WorkerProtocol.maxKindsPerWorker)")
        }
        var kinds: [String: KindFigures] = [:]
        for _ in 0..<kindCount {
            let kind = try reader.readString(lengthAs: UInt8.self, field: "kind")
            guard JobSpec.isValidKind(kind), kinds[kind] == nil else {
                throw WireError(.malformed, "worker stats kind '\(kind)' is not a kind name or comes twice")
            }
            let done = try reader.readInteger(UInt64.self, field: "done")
            let failed = try reader.readInteger(UInt64.self, field: "failed")
            let sum = try reader.readInteger(UInt64.self, field: "duration sum")
            var counts: [UInt64] = []
            counts.reserveCapacity(DurationHistogram.bucketCount)
            for _ in 0..<DurationHistogram.bucketCount { counts.append(try reader.readInteger(UInt64.self, field: "bucket count")) }
            let durations = try DurationHistogram(counts: counts, sumNanoseconds: sum)
            let (finished, overflow) = done.addingReportingOverflow(failed)
            guard !overflow, durations.total == finished else {
                throw WireError(.malformed, "worker stats for '\(kind)': the histogram does not count done + failed tasks")
            }
            // A sum no durations in those buckets could reach would make every figure derived from it absurd.
            if let largest = durations.largestPossibleSumNanoseconds, sum > largest {
                throw WireError(.malformed, "worker stats for '\(kind)': the duration sum is more than the buckets allow")
            }
            kinds[kind] = KindFigures(done: done, failed: failed, durations: durations)
        }
        try reader.expectEnd()
        self.init(host: host, draining: flags & 1 != 0, inFlight: inFlight, logRecordsDropped: dropped, kinds: kinds)
    }
}
