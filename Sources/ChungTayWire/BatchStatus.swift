public import ChungTayWire
public import Foundation

/// The fields of a batch status (`batch status --json`) that clients act on.
public struct BatchStatusView: Decodable, Sendable {
    public struct Chunks: Decodable, Sendable {
        public var householdsAccepted: Int
        public var loansAccepted: Int
        public var households: Int?
        public var loans: Int?
    }

    public struct Jobs: Decodable, Sendable {
        public var queued: Int
        public var completed: Int
        public var dead: Int
    }

    public var id: String
    public var name: String
    public var state: String
    public var asOf: String
    public var households: Int
    public var loans: Int
    public var reviewed: Int
    public var loanStatuses: Int
    public var notifications: Int
    public var inputErrors: Int?
    public var chunks: Chunks
    public var jobs: Jobs
    public var dataDirectory: String

    public var isComplete: Bool { state == "complete" }

    public init(json: [UInt8]) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(json))
    }

    public static func list(json: [UInt8]) throws -> [BatchStatusView] {
        try JSONDecoder().decode([BatchStatusView].self, from: Data(json))
    }
}

extension DispatcherClient {
    /// A batch's status by id or name.
    @available(*, noasync)
    public func batchStatus(_ reference: String) throws(ClientError) -> (view: BatchStatusView, json: [UInt8]) {
        try Self.view(try call(.batchStatus(reference)))
    }

    @available(*, noasync)
    public func openBatch(_ opening: BatchOpening) throws(ClientError) -> BatchStatusView {
        try Self.view(try call(.batchOpen(opening))).view
    }

    @available(*, noasync)
    public func sealBatch(_ sealing: BatchSealing) throws(ClientError) -> BatchStatusView {
        try Self.view(try call(.batchSeal(sealing))).view
    }

    private static func view(_ reply: ClientReply) throws(ClientError) -> (view: BatchStatusView, json: [UInt8]) {
        guard case .batchInfo(let json) = reply else { throw .badReply("expected BATCH-INFO") }
        do {
            return (try BatchStatusView(json: json), json)
        } catch {
            throw .badReply("batch status: \(error)")
        }
    }
}
