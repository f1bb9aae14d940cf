import Foundation

/// Monotonic seconds for timers (heartbeats, liveness, backoff), immune to wall-clock steps.
public enum MonotonicClock {
    public static func now() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}
