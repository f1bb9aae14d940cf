import ChungTayWire

/// A client as the transport knows it, for the audit trail: its routing id (chosen by
/// libzmq per connection unless the client set one), its address (ZeroMQ's `Peer-Address`:
/// the IP address of a TCP peer, none for inproc) and the protocol it spoke. Nothing
/// the client could claim about itself beyond that.
struct ClientIdentity {
    enum WireProtocol: String { case native = "ctcp", majordomo = "mdp" }

    var routingId: [UInt8]
    var address: String?
    var wireProtocol: WireProtocol

    init(_ envelope: Envelope, address: String?, protocol wireProtocol: WireProtocol) {
        routingId = envelope.routingId
        self.address = address
        self.wireProtocol = wireProtocol
    }
}
