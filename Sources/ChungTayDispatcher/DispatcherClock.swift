import ChungTayRuntime
public import Foundation

/// Where a ``Dispatcher`` reads the time: leases, heartbeats, retry backoff, the task
/// timeout and the storage pause are all judged against it, so a test can drive them with a
/// clock it advances by hand instead of waiting. The dispatcher is generic over its clock
/// (not holding `any DispatcherClock`), so reading it costs no dynamic dispatch.
public protocol DispatcherClock {
    /// Monotonic seconds (any origin): what every deadline is measured in.
    var now: Double { get }
    /// The wall-clock time that journal rows, batch records and documents carry.
    var date: Date { get }
}

/// The running system's time.
public struct SystemClock: DispatcherClock {
    public init() {}

    public var now: Double { MonotonicClock.now() }
    public var date: Date { Date() }
}
