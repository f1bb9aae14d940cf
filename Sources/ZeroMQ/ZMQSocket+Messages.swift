import CZeroMQ

extension ZMQSocket {
    /// Sends all frames as one multipart message.
    ///
    /// Returns false only when the first frame could not be queued without
    /// blocking: `dontWait` was set, or a send timeout expired (EAGAIN).
    ///
    /// libzmq queues frames one at a time. If a later frame fails, the frames
    /// before it already sit in the socket as an unfinished message that any
    /// further send would extend, so after such an error the socket is only
    /// good for closing.
    @available(*, noasync)
    @discardableResult
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws(ZMQError) -> Bool {
        try sendMessage(frames, flags: dontWait ? ZMQ_DONTWAIT : 0)
    }

    /// ``send(_:dontWait:)`` with `dontWait`, callable from async code because it never blocks.
    @discardableResult
    public func trySend(_ frames: [[UInt8]]) throws(ZMQError) -> Bool {
        try sendMessage(frames, flags: ZMQ_DONTWAIT)
    }

    /// Receives one whole multipart message.
    ///
    /// Returns nil only when nothing is ready: `dontWait` was set, or the
    /// receive timeout expired (EAGAIN). Signals do not surface; the call is
    /// retried.
    @available(*, noasync)
    public func receive(dontWait: Bool = false) throws(ZMQError) -> [[UInt8]]? {
        try receiveMessage(flags: dontWait ? ZMQ_DONTWAIT : 0)
    }

    /// ``receive(dontWait:)`` with `dontWait`, callable from async code because it never blocks.
    public func tryReceive() throws(ZMQError) -> [[UInt8]]? {
        try receiveMessage(flags: ZMQ_DONTWAIT)
    }

    private func sendMessage(_ frames: [[UInt8]], flags: Int32) throws(ZMQError) -> Bool {
        let handle = try openHandle("send")
        // ZMTP has no zero-frame message; sending nothing would be a silent no-op.
        guard !frames.isEmpty else { throw .invalidArgument("send") }
        for (index, frame) in frames.enumerated() {
            let more = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            while frame.withUnsafeBytes({ zmq_send(handle, $0.baseAddress, $0.count, flags | more) }) < 0 {
                let error = ZMQError.last("send")
                if error.isInterrupted { continue }
                if error.isAgain && index == 0 { return false }
                throw error
            }
        }
        return true
    }

    private func receiveMessage(flags: Int32) throws(ZMQError) -> [[UInt8]]? {
        let handle = try openHandle("receive")
        // A zmq_msg_t must not move between init and close; a temporary
        // allocation gives it a fixed address without a heap round trip.
        return try withUnsafeTemporaryAllocation(of: zmq_msg_t.self, capacity: 1) {
            (buffer) throws(ZMQError) -> [[UInt8]]? in
            let message = buffer.baseAddress!
            var frames: [[UInt8]] = []
            var hasMore = true
            while hasMore {
                zmq_msg_init(message)
                defer { zmq_msg_close(message) }
                while zmq_msg_recv(message, handle, flags) < 0 {
                    let error = ZMQError.last("receive")
                    if error.isInterrupted { continue }
                    // libzmq delivers multipart messages atomically, so only the
                    // first frame can find nothing waiting.
                    if error.isAgain && frames.isEmpty { return nil }
                    throw error
                }
                frames.append([UInt8](UnsafeRawBufferPointer(start: zmq_msg_data(message), count: zmq_msg_size(message))))
                hasMore = zmq_msg_more(message) != 0
            }
            return frames
        }
    }
}
