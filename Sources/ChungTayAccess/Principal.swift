/// Who a caller is, whatever proved it: `ROLE/NAME` from a key file, a bearer token's file or
/// a client certificate's file of the allow directory. Files of one `ROLE/NAME` name one
/// principal, so a service holding `clients/core-banking.key` and `clients/core-banking.token`
/// owns the same jobs and batches over ZeroMQ and over HTTP.
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    public let role: PeerRole
    /// The file's name without its suffix (``CurveKeyFile/isValidName(_:)``).
    public let name: String

    public init(role: PeerRole, name: String) {
        self.role = role
        self.name = name
    }

    /// `ROLE/NAME`, as ``PeerIdentity/principal`` spells it and CTCP01 delegation carries it.
    public var description: String { "\(role.rawValue)/\(name)" }

    /// Operators read every batch, the dead letters and the status report.
    public var isOperator: Bool { role == .operators }
}
