public import ChungTayWire

extension DispatcherClient {
    /// A batch's status by id or name, and the document as the dispatcher sent it (for `--json`).
    @available(*, noasync)
    public func batchStatus(_ reference: String) throws(ClientError) -> (status: BatchStatus, json: [UInt8]) {
        try Self.batchStatus(try call(.batchStatus(reference)))
    }

    @available(*, noasync)
    public func openBatch(_ opening: BatchOpening) throws(ClientError) -> BatchStatus {
        try Self.batchStatus(try call(.batchOpen(opening))).status
    }

    @available(*, noasync)
    public func sealBatch(_ sealing: BatchSealing) throws(ClientError) -> BatchStatus {
        try Self.batchStatus(try call(.batchSeal(sealing))).status
    }

    private static func batchStatus(_ reply: ClientReply) throws(ClientError) -> (status: BatchStatus, json: [UInt8]) {
        guard case .batchInfo(let json) = reply else { throw .badReply("expected BATCH-INFO") }
        do {
            return (try BatchStatus(json: json), json)
        } catch {
            throw .badReply("batch status: \(error)")
        }
    }
}
