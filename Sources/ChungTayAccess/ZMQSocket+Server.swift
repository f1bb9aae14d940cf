import Glibc
public import ZeroMQ

/// How the dispatcher's process's server sockets (client, worker, log, notification feed) are set up to listen.
extension ZMQSocket {
    /// A CURVE server with the dispatcher's key, asking ZAP in `domain` about every client.
    public func makeCurveServer(_ keyPair: CurveKeyPair, domain: AccessDomain) throws(ZMQError) {
        try setCurveServer(secretKey: keyPair.secretKey)
        try setZAPDomain(domain.rawValue)
    }

    /// Binds; an `ipc://` socket file is created owner-only (0600), since whoever can open
    /// it is a peer. libzmq creates the file in the calling thread, so a umask of 077 around
    /// the bind leaves no moment where others may open it. No chmod after: it would follow a
    /// symlink put in the socket's place, and the umask already made the file owner-only.
    public func bindOwnerOnly(_ endpoint: String) throws(ZMQError) {
        guard endpoint.hasPrefix("ipc://") else {
            try bind(endpoint)
            return
        }
        let previous = umask(0o077)
        defer { umask(previous) }
        try bind(endpoint)
    }
}
