import ChungTayAccess
import ChungTayWire

/// A client as the transport knows it, for the audit trail and the checks by role: its
/// routing id (chosen by libzmq per connection unless the client set one), its address
/// (ZeroMQ's `Peer-Address`: the IP address of a TCP peer, none for inproc), the protocol
/// it spoke and, with CURVE, the identity its key was admitted as. Nothing the client
/// could claim about itself beyond that.
struct ClientIdentity {
    enum WireProtocol: String { case native = "ctcp", majordomo = "mdp" }

    var routingId: [UInt8]
    var address: String?
    var wireProtocol: WireProtocol
    /// Who the client's key is (from its message's `User-Id`); nil without CURVE, when
    /// nothing is checked.
    var peer: PeerIdentity?

    init(_ envelope: Envelope, address: String?, protocol wireProtocol: WireProtocol, peer: PeerIdentity? = nil) {
        routingId = envelope.routingId
        self.address = address
        self.wireProtocol = wireProtocol
        self.peer = peer
    }

    /// Checks this request as `principal`'s (an ON-BEHALF request of the dispatcher's HTTP
    /// API): its role, its ownership, its idempotency keys and its `submittedBy`. The gateway's
    /// key stays the key of record, for the refusal log. False, changing nothing, for anything
    /// but a client's or an operator's principal.
    mutating func actFor(_ principal: String) -> Bool {
        let parts = principal.split(separator: "/", maxSplits: 1)
        guard DelegatedPrincipal.isValid(principal), parts.count == 2, let role = PeerRole(rawValue: String(parts[0])),
              role == .clients || role == .operators
        else { return false }
        peer = PeerIdentity(role: role, name: String(parts[1]), publicKey: peer?.publicKey ?? "")
        return true
    }

    /// Operators may do everything; without CURVE everyone may.
    var isOperator: Bool { peer.map { $0.role == .operators } ?? true }

    /// Whether the client may act on something `owner` (a principal) owns: its owner or an
    /// operator; without CURVE anyone. Something without an owner (made before CURVE was
    /// turned on) is the operators' alone.
    func mayAct(asOwnerOf owner: String?) -> Bool {
        guard let peer else { return true }
        return peer.role == .operators || (owner != nil && owner == peer.principal)
    }
}
