public import ZeroMQ

/// One admitted public key and who it is.
public struct PeerIdentity: Sendable, Equatable {
    public let role: PeerRole
    /// The key file's name without `.key`.
    public let name: String
    /// The public key in Z85, as ZAP's `User-Id` carries it.
    public let publicKey: String
    /// The kinds a worker key may serve; nil: any kind.
    public let kinds: Set<String>?

    public init(role: PeerRole, name: String, publicKey: String, kinds: Set<String>? = nil) {
        self.role = role
        self.name = name
        self.publicKey = publicKey
        self.kinds = kinds
    }

    /// `ROLE/NAME`, e.g. `clients/core-banking`: what the audit trail and a batch's
    /// `submittedBy` record, and what ownership compares.
    public var principal: String { "\(role.rawValue)/\(name)" }

    /// The key's short id (``CurveKeyPair/shortId(ofPublicKey:)``), for logs and refusals.
    public var keyId: String { CurveKeyPair.shortId(ofPublicKey: publicKey) ?? "?" }

    /// Whether this key may announce `kind` as a worker.
    public func mayServe(_ kind: String) -> Bool {
        role == .workers && (kinds?.contains(kind) ?? true)
    }
}
