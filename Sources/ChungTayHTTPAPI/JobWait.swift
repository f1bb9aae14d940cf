import ChungTayCoding

/// `GET /v1/jobs/{id}?wait=S`: the job's document once it is final, or its current one after
/// S seconds.
///
/// It polls JOB through the gateway rather than sending WAIT: the dispatcher allows 16 pending
/// WAITs per client connection, which the gateway's few connections would run out of, and a
/// WAIT would hold one of a connection's 8 request slots (``GatewayConnection``) for its
/// whole wait. A poll is one JOB, a read in the dispatcher's turn; the
/// interval starts at 50 ms (a job that is nearly done is answered at once) and doubles to
/// 1 s, so 256 long-polls (``APIServices/longPoll(for:_:)``) cost the dispatcher at most a
/// few hundred reads a second.
enum JobWait {
    static let firstInterval: Duration = .milliseconds(50)
    static let longestInterval: Duration = .seconds(1)

    static func document(of id: UInt64, seconds: Int, services: APIServices, caller: HTTPCaller) async throws(HTTPProblem) -> [UInt8] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var interval = firstInterval
        while true {
            let document = try await JobRoutes.document(of: id, services: services, caller: caller)
            let now = ContinuousClock.now
            guard !isFinal(document), now < deadline else { return document }
            do {
                try await Task.sleep(for: min(interval, deadline - now))
            } catch {
                return document
            }
            interval = min(interval * 2, longestInterval)
        }
    }

    /// Whether the document's `state` is `completed` or `dead` (a document that cannot be read
    /// counts as final: waiting would not change it).
    static func isFinal(_ document: [UInt8]) -> Bool {
        guard case .object(let object)? = try? JSONReader.parse(document), case .string(let state)? = object["state"] else { return true }
        return state == "completed" || state == "dead"
    }
}
