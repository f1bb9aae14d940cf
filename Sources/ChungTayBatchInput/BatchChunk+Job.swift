public import ChungTayWire

extension BatchChunk {
    /// The job that carries this chunk into batch `batchId`: its stage's kind, the
    /// idempotency key `BATCH:h:N` (household chunks) or `BATCH:l:N` (loan-only chunks),
    /// and the counters the chunk brings to the batch once accepted.
    ///
    /// One home for every submitter (`chungtay batch submit` and the HTTP API's seal): the
    /// keys are what make a resumed submission harmless, and the `accepted/…Chunks`
    /// counters are what BATCH-SEAL's counts are checked against, so two submitters that
    /// built them differently could neither resume each other's batch nor seal it.
    public func job(batchId: String) -> JobSpec {
        switch stage {
        case .households:
            JobSpec(
                kind: stage.kind.rawValue, payload: payload, idempotencyKey: "\(batchId):h:\(index)", batchId: batchId,
                counters: [
                    Counter(name: "accepted/households", value: Int64(households)),
                    Counter(name: "accepted/loans", value: Int64(loans)),
                    Counter(name: "accepted/householdChunks", value: 1),
                ])
        case .loansOnly:
            JobSpec(
                kind: stage.kind.rawValue, payload: payload, idempotencyKey: "\(batchId):l:\(index)", batchId: batchId,
                counters: [
                    Counter(name: "accepted/loans", value: Int64(loans)),
                    Counter(name: "accepted/loanChunks", value: 1),
                ])
        }
    }
}
