import Glibc

extension ZMQSocket {
    /// Ends one peer's connection, identified by the descriptor its messages carry
    /// (``ReceivedMessage/connection``): libzmq has no call for that, but shutting the
    /// descriptor down makes its I/O thread see the peer gone and end the session, as
    /// if the peer had hung up. Used to cut off a peer whose key was revoked.
    public static func shutDownConnection(_ descriptor: Int32) {
        // ENOTCONN or EBADF mean the connection is already gone, which is what was wanted.
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }
}
