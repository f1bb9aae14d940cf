import Foundation

/// Exponential backoff with "equal jitter" (a random delay between half the exponential
/// cap and the cap), so tasks that failed together do not all come back together, yet
/// none comes back at once to fail again.
struct RetryPolicy {
    var maxAttempts: Int
    var baseDelay: Double
    var maxDelay: Double

    /// `nil` when the attempts are used up and the task is dead.
    func delay(afterAttempt attempt: Int) -> Double? {
        guard attempt < maxAttempts else { return nil }
        let cap = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        return Double.random(in: (cap / 2)...cap)
    }
}
