public import Foundation
import GRDB

/// Job ids are SQLite rowids: `Int64` in the journal, `u64` on the wire.
///
/// Any `u64` may arrive in a frame, but a rowid is at most `Int64.max`: an id of 2^63 or
/// more names no job (`unknown_job`), so it converts to nil rather than trapping. Rowids
/// the journal assigns are positive; read back, one that is not (a tampered file) keeps its
/// bits and becomes an id no request can name, again without a trap.
enum JobKey {
    static func row(_ id: UInt64) -> Int64? { Int64(exactly: id) }
    static func id(_ row: Int64) -> UInt64 { UInt64(bitPattern: row) }
}

/// A queued job as recovery and dead-letter requeue hand it to the dispatcher (payload loaded on dispatch).
public struct QueuedJob: Equatable, Sendable {
    public var id: UInt64
    public var kind: String
    public var priority: Int16
    public var attempts: Int
    /// A retry's backoff deadline; `nil` when it may run now.
    public var notBefore: Date?
    public var batchId: String?
    /// Bytes of its payload, so the dispatcher can bound what a worker holds without reading it.
    public var payloadSize: Int

    public init(id: UInt64, kind: String, priority: Int16, attempts: Int, notBefore: Date?, batchId: String? = nil, payloadSize: Int = 0) {
        self.id = id
        self.kind = kind
        self.priority = priority
        self.attempts = attempts
        self.notBefore = notBefore
        self.batchId = batchId
        self.payloadSize = payloadSize
    }

    init(row: Row) {
        let notBefore: Int64 = row[4]
        self.init(id: JobKey.id(row[0]), kind: row[1], priority: Int16(clamping: row[2] as Int64),
                  attempts: row[3], notBefore: notBefore > 0 ? Date(timeIntervalSince1970: Double(notBefore) / 1000) : nil,
                  batchId: row[5], payloadSize: row[6])
    }
}

/// A job as `chungtay job ID` and the dead-letter list show it.
public struct JobRecord: Equatable, Sendable {
    public var id: UInt64
    public var kind: String
    public var state: JobState
    public var attempts: Int
    public var errorCode: String?
    public var errorMessage: String?
    public var result: ResultLocation?
    /// The result is a list of documents (shown as a JSON array), not one document.
    public var resultIsList: Bool
    /// The batch it belongs to; its owner owns the job.
    public var batchId: String?
    /// Who submitted it (`ROLE/NAME`), recorded when the dispatcher authenticates clients.
    public var submittedBy: String?

    static let columns = """
        id, kind, state, attempts, error_code, error_message, result_file, result_offset, result_length, result_list, batch_id,
        submitted_by
        """

    init(row: Row) {
        id = JobKey.id(row[0])
        kind = row[1]
        state = JobState(rawValue: row[2]) ?? .queued
        attempts = row[3]
        errorCode = row[4]
        errorMessage = row[5]
        resultIsList = (row[9] as Int64) != 0
        batchId = row[10]
        submittedBy = row[11]
        if let file: String = row[6] {
            result = ResultLocation(file: file, offset: row[7], length: row[8])
        }
    }
}
