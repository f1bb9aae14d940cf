/// How long the dispatcher leaves its disk alone after a storage failure (a full disk,
/// an I/O error). Without it, a task whose result could not be stored went straight
/// back to the queue, to a worker, and to the same failing write: a hot loop until
/// space returned. The delay doubles per consecutive failure up to `maxDelay`, and the
/// first successful commit ends the pause. A storage failure is not the task's fault,
/// so it never counts an attempt: a full disk must not dead-letter jobs.
struct StorageBackoff {
    static let baseDelay = 0.1
    static let maxDelay = 4.0

    private(set) var consecutiveFailures = 0
    /// Monotonic time before which no task is dispatched, no submission is tried and no
    /// batch completion is written.
    private(set) var pausedUntil = 0.0

    /// Records a failure at `now`; returns the pause it starts, in seconds.
    mutating func failed(now: Double) -> Double {
        let delay = min(Self.maxDelay, Self.baseDelay * Double(1 << min(consecutiveFailures, 16)))
        consecutiveFailures += 1
        pausedUntil = now + delay
        return delay
    }

    mutating func succeeded() {
        consecutiveFailures = 0
        pausedUntil = 0
    }

    func isPaused(at now: Double) -> Bool { now < pausedUntil }
}
