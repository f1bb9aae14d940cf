import ChungTayClient
import Foundation

/// The dispatcher connection a command makes on a thread of its own while it does work that
/// does not need it, taken with ``connection()`` when it does.
///
/// Making a connection is a few milliseconds of settings and a ZeroMQ context (its threads,
/// its name-service look-ups), after which libzmq's I/O thread connects and shakes hands on
/// its own; `batch submit` makes it while reading its lists (pass 1), so a small batch's
/// first chunk goes out that much sooner. Connecting sends no request to the dispatcher: a
/// list that cannot be read still leaves no batch behind.
final class EarlyConnection: @unchecked Sendable {
    // @unchecked: `options` is only read, and `outcome` is written by the thread before it
    // signals `made` and read by ``connection()`` only after waiting for that.
    private let options: ClientOptions
    private var outcome: Result<DispatcherClient, any Error>?
    private let made = DispatchSemaphore(value: 0)

    /// Starts making the connection `options.client()` makes.
    init(_ options: ClientOptions) {
        self.options = options
        let thread = Thread { [self] in
            outcome = Result { try self.options.client() }
            made.signal()
        }
        thread.name = "chungtay-connect"
        thread.start()
    }

    /// Waits until the connection is made, and gives it (or what making it threw) once.
    /// The wait is the memory barrier across which ZeroMQ lets the socket move to this thread.
    func connection() throws -> DispatcherClient {
        made.wait()
        defer { outcome = nil }
        return try outcome!.get()
    }
}
