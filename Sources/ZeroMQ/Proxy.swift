import CZeroMQ

/// Runs libzmq's built-in `zmq_proxy`, forwarding messages both ways between
/// `frontend` and `backend` on the calling thread.
///
/// Kept as the reference point that ChungTay's own routing is benchmarked
/// against. Returns normally once ``ZMQContext/shutdown()`` is called (ETERM),
/// which is the only way to stop it; any other failure throws.
@available(*, noasync)
public func runProxy(frontend: ZMQSocket, backend: ZMQSocket) throws(ZMQError) {
    let frontendHandle = try frontend.openHandle("runProxy")
    let backendHandle = try backend.openHandle("runProxy")
    while true {
        zmq_proxy(frontendHandle, backendHandle, nil)
        let error = ZMQError.last("runProxy")
        if error.isTerminated { return }
        if !error.isInterrupted { throw error }
    }
}
