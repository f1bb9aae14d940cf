public import Logging
import Synchronization
public import ZeroMQ

/// The dispatcher's authority over who connects: answers ZAP for its domains from the
/// current allow list, and hands that list to the dispatcher's thread, which checks every
/// message's `User-Id` against it, and to the HTTP API, which checks tokens and client
/// certificates against it. Shared between the ZAP handler's thread, the signal handler that
/// reloads, the dispatcher's thread and the HTTP API's tasks, hence the lock; the dispatcher
/// takes a copy only when ``generation`` moved, so its per-message lookups take no lock.
public final class AccessControl: Sendable {
    /// The allow directory, read again by ``reload()``.
    public let directory: String
    /// The form of `User-Id` the handler gives and the dispatcher believes (with this
    /// process's secret token); made once, at start.
    public let userIds = ZAPUserIds()
    private let serverIdentity: PeerIdentity
    private let state: Mutex<State>
    private let loadedGeneration = Atomic<Int>(0)
    private let logger: Logger

    private struct State {
        var list: AllowList
        var refusals = HandshakeRefusalLog()
    }

    /// Loads `directory`; the dispatcher's own key (`serverPublicKey`) is admitted as
    /// `operators/dispatcher`, for the status page in its process.
    public init(directory: String, serverPublicKey: String, logger: Logger) throws(KeyFileError) {
        self.directory = directory
        self.logger = logger
        serverIdentity = PeerIdentity(role: .operators, name: "dispatcher", publicKey: serverPublicKey)
        let (list, warnings) = try AllowList.load(directory: directory, serverPublicKey: serverPublicKey)
        for warning in warnings { logger.warning("\(warning)") }
        state = Mutex(State(list: list.adding(serverIdentity)))
    }

    /// Counts reloads; the dispatcher compares it with the one it saw to know its copy is old.
    public var generation: Int { loadedGeneration.load(ordering: .acquiring) }

    /// The current list.
    public var list: AllowList { state.withLock { $0.list } }

    /// Reads the directory again (SIGHUP): keys, tokens and certificates at once. On an error the old list stays and the error is thrown.
    public func reload() throws(KeyFileError) {
        let (list, warnings) = try AllowList.load(directory: directory, serverPublicKey: serverIdentity.publicKey)
        for warning in warnings { logger.warning("\(warning)") }
        let withServer = list.adding(serverIdentity)
        state.withLock { $0.list = withServer }
        loadedGeneration.add(1, ordering: .releasing)
        logger.notice(
            "allow list reloaded",
            metadata: [
                "keys": "\(withServer.count)", "tokens": "\(withServer.tokenCount)", "certificates": "\(withServer.certificateCount)",
                "directory": "\(directory)",
            ])
    }

    /// The ZAP verdict: admitted when the key is listed in a role the domain admits, with the
    /// key behind this process's token as `User-Id` (``ZAPUserIds``). Refusals are logged as ``HandshakeRefusalLog`` allows.
    public func authorize(_ request: ZAPRequest, now: ContinuousClock.Instant = .now) -> ZAPVerdict {
        let domain = AccessDomain(rawValue: request.domain)
        let (identity, admitted, logged): (PeerIdentity?, Bool, HandshakeRefusalLog.Verdict?) = state.withLock { state in
            let identity = request.clientPublicKey.flatMap { state.list.identity(ofKey: $0) }
            let admitted = request.mechanism == "CURVE" && identity.map { domain?.admits($0.role) == true } == true
            if admitted { return (identity, true, nil) }
            return (identity, false, state.refusals.refused(address: request.address, at: now))
        }
        if admitted, let identity { return .allow(userId: userIds.userId(forKey: identity.publicKey)) }
        if let suppressed = logged?.suppressedBefore, suppressed > 0 {
            logger.warning(
                "\(suppressed) more refused handshakes were not logged (one line a minute per address, \(HandshakeRefusalLog.defaultBudget) in all)")
        }
        if logged?.logThis == true {
            let key = request.clientPublicKey.flatMap(CurveKeyPair.shortId(ofPublicKey:)) ?? "-"
            let reason =
                if domain == nil { "unknown ZAP domain" } else if let identity {
                    "\(identity.principal) may not connect to \(request.domain)"
                } else { "key not in the allow list" }
            logger.warning(
                "refused a handshake: \(reason)",
                metadata: ["peer": "\(request.address)", "key": "\(key)", "domain": "\(request.domain)"]
            )
        }
        return .deny
    }
}
