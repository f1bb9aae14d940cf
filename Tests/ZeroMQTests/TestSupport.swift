import Dispatch
import Synchronization
import ZeroMQ

/// Long enough never to fire on a healthy run; it only turns a broken test into a failure instead of a hang.
let patience: Int32 = 5000

func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

func makeSocket(_ context: ZMQContext, _ type: SocketType, receiveTimeout: Int32 = patience) throws -> ZMQSocket {
    let socket = try ZMQSocket(context: context, type: type)
    try socket.setReceiveTimeout(milliseconds: receiveTimeout)
    try socket.setSendTimeout(milliseconds: patience)
    return socket
}

extension ZMQSocket {
    /// Binds to a port the OS picks and returns the endpoint for peers.
    func bindLoopback() throws -> String {
        try bind("tcp://127.0.0.1:*")
        return try lastEndpoint
    }
}

/// Carries a value from a helper thread back to the test, which waits for it.
final class Handoff<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let delivered = DispatchSemaphore(value: 0)

    func deliver(_ value: Value) {
        self.value.withLock { $0 = value }
        delivered.signal()
    }

    /// nil if nothing arrived within `patience`, so a hung thread fails the test instead of hanging it.
    func wait() -> Value? {
        guard delivered.wait(timeout: .now() + .milliseconds(Int(patience))) == .success else { return nil }
        return value.withLock { $0 }
    }
}
