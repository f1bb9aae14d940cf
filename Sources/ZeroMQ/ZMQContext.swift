import CZeroMQ

/// A libzmq context: the I/O threads and the namespace that `inproc://` endpoints live in.
///
/// libzmq documents contexts as thread-safe, hence `@unchecked Sendable`.
/// Every ``ZMQSocket`` holds a strong reference to its context, so the
/// blocking `zmq_ctx_term` in `deinit` only runs once every socket is closed.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    public init(ioThreads: Int = 1) throws(ZMQError) {
        guard let threadCount = Int32(exactly: ioThreads) else {
            throw .invalidArgument("ZMQContext.init")
        }
        guard let handle = zmq_ctx_new() else {
            throw .last("ZMQContext.init")
        }
        guard zmq_ctx_set(handle, ZMQ_IO_THREADS, threadCount) == 0 else {
            let error = ZMQError.last("ZMQContext.init")
            zmq_ctx_term(handle)
            throw error
        }
        self.handle = handle
    }

    /// Makes every blocking call on this context's sockets fail with ETERM.
    ///
    /// Threads parked in `receive`, `poll`, ``runProxy(frontend:backend:)`` or a
    /// ``ZAPHandler`` hold sockets, and so the context, alive; this is how they
    /// are told to wind down. New sockets can no longer be created afterwards.
    public func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    deinit {
        while zmq_ctx_term(handle) != 0 && ZMQError.last("zmq_ctx_term").isInterrupted {}
    }
}
