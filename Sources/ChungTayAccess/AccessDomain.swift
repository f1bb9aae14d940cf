/// The ZAP domain of each of the dispatcher's server sockets, and the roles it admits.
public enum AccessDomain: String, Sendable, CaseIterable {
    /// The client endpoint (CTCP01 and MDP clients): clients and operators.
    case client = "chungtay.client"
    /// The worker endpoint (CTWP01 and MDP workers): workers.
    case worker = "chungtay.worker"
    /// The log bus (CTLP01): operators.
    case log = "chungtay.log"
    /// The notification feed (CTNP01): operators, since it hands out every notification.
    case feed = "chungtay.feed"

    public func admits(_ role: PeerRole) -> Bool {
        switch self {
        case .client: role == .clients || role == .operators
        case .worker: role == .workers
        case .log, .feed: role == .operators
        }
    }
}
