public import ChungTayWire

extension DispatcherClient {
    /// A batch's status by id or name, and the document as the dispatcher sent it (for `--json`).
    @available(*, noasync)
    public func batchStatus(_ reference: String) throws(ClientError) -> (status: BatchStatus, json: [UInt8]) {
        try Self.batchStatus(try call(.batchStatus(reference)))
    }

    /// A batch's status once it is complete, or after at most `wait` while it is not (a
    /// BATCH-STATUS long-poll): following a batch this way learns of its completion within
    /// a dispatcher turn, where polling would learn of it a polling interval late. A reply
    /// that does not come within `wait` and `replyMargin` is `unreachable`, so a request
    /// lost to a dispatcher restart is given up soon and can be asked again.
    @available(*, noasync)
    public func batchStatus(_ reference: String, waitingUpTo wait: Duration, replyMargin: Duration = .seconds(2)) throws(ClientError) -> BatchStatus {
        let milliseconds = UInt32(clamping: Int64(min(wait.seconds, Double(ClientProtocol.maxBatchStatusWaitMilliseconds) / 1000) * 1000))
        return try Self.batchStatus(try call(.batchStatus(reference, waitMilliseconds: milliseconds), timeout: wait + replyMargin)).status
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
