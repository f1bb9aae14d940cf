/// Who an HTTP request is made for, as the identity middleware established it.
public struct HTTPCaller: Sendable, Equatable {
    /// `clients/NAME` or `operators/NAME`, sent to the dispatcher as the CTCP01 delegation
    /// principal; nil without an allow directory, where the dispatcher checks nothing (as its
    /// ZeroMQ endpoints check nothing without CURVE).
    public var principal: String?
    /// Whether the caller may use the operators' routes: an `operators/` principal, or anyone
    /// when there are no identities at all. The dispatcher checks again; this only spares it
    /// a request it would refuse.
    public var isOperator: Bool
    /// What the rate limit and the long-poll caps count per: the principal, else the remote
    /// address (`address:KEY`, ``RemoteAddressKey``: an IPv6 address's /64).
    public var limitKey: String

    public init(principal: String?, isOperator: Bool, limitKey: String) {
        self.principal = principal
        self.isOperator = isOperator
        self.limitKey = limitKey
    }

    /// A caller with no identity, known by its remote address's ``RemoteAddressKey``.
    static func anonymous(addressKey: String) -> Self {
        Self(principal: nil, isOperator: true, limitKey: "address:" + addressKey)
    }
}
