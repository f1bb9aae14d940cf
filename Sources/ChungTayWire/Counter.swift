/// A named amount added to a batch's counters (docs/BATCH.md, "Counters and the summary").
///
/// Submitters declare what a job brings to its batch (`accepted/households`), workers
/// what a result does (`loansByStatus/overdue`). The dispatcher adds them up without
/// knowing what they mean, so the batch summary stays the workers' business.
public struct Counter: Equatable, Sendable {
    /// Longest counter name in bytes.
    public static let maxNameLength = 255

    /// Most counters one job (a SUBMIT's job or a RESULT) may carry (`too_many_counters`
    /// beyond). A household chunk of the default 500 households names at most a few hundred
    /// (`byCommune/COMMUNE/CURRENT` per commune and class in it, plus flags and changes).
    public static let maxPerJob = 8192

    /// Most distinct counter names a batch may hold (`too_many_counters` for a job adding
    /// new names beyond). The counters live in memory and in the journal for as long as the
    /// batch, and the summary renders them all; a province of ~600 communes × 8 classes
    /// names fewer than 5,000, the demo data about 200.
    public static let maxNamesPerBatch = 16_384

    public var name: String
    public var value: Int64

    public init(name: String, value: Int64) {
        self.name = name
        self.value = value
    }
}

extension ByteWriter {
    /// u16 count, then per counter the name (u8 length + UTF-8) and the value (i64).
    mutating func write(counters: [Counter]) {
        write(UInt16(counters.count))
        for counter in counters {
            write(counter.name, lengthAs: UInt8.self)
            write(counter.value)
        }
    }
}

extension ByteReader {
    mutating func readCounters() throws(WireError) -> [Counter] {
        let count = Int(try readInteger(UInt16.self, field: "counter count"))
        var counters: [Counter] = []
        counters.reserveCapacity(count)
        for _ in 0..<count {
            let name = try readString(lengthAs: UInt8.self, field: "counter name")
            guard !name.isEmpty else { throw WireError(.malformed, "a counter name is empty") }
            counters.append(Counter(name: name, value: try readInteger(Int64.self, field: "counter value")))
        }
        return counters
    }
}
