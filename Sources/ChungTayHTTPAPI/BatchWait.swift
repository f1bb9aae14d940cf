import ChungTayWire

/// `GET /v1/batches/{batch}?wait=S`: the batch's status once it is complete, or its current
/// one after S seconds.
///
/// It polls BATCH-STATUS as `JobWait` polls JOB (the same intervals: 50 ms doubling to 1 s),
/// for the same reason: a batch has no WAIT, and a poll is a read in the dispatcher's turn.
enum BatchWait {
    static func document(of reference: String, seconds: Int, services: APIServices, caller: HTTPCaller) async throws(HTTPProblem) -> [UInt8] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var interval = JobWait.firstInterval
        while true {
            let (status, document) = try await BatchRoutes.status(of: reference, services: services, caller: caller)
            let now = ContinuousClock.now
            guard !status.isComplete, now < deadline else { return document }
            do {
                try await Task.sleep(for: min(interval, deadline - now))
            } catch {
                return document
            }
            interval = min(interval * 2, JobWait.longestInterval)
        }
    }
}
