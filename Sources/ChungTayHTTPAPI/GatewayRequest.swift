import ChungTayWire

/// A caller's request on its way through ``DispatcherGateway``: handed over, queued, sent on
/// one of the gateway's connections, answered (by its reply, or `unavailable` at its deadline).
struct GatewayRequest: Sendable {
    let requestId: UInt64
    let frames: [[UInt8]]
    /// The hand-over time plus the gateway's one timeout: requests are handed over in
    /// order, so their deadlines come in that order too.
    let deadline: ContinuousClock.Instant
    let continuation: CheckedContinuation<Result<ClientReply, HTTPProblem>, Never>
}
