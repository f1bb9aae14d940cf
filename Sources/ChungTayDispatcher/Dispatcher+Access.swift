import ChungTayAccess
import ChungTayStore
import ChungTayWire
import Logging
import ZeroMQ

/// With CURVE: who a message comes from (its `User-Id` looked up in the dispatcher's copy of
/// the allow list), refusals by role, and what a reloaded list revokes. libzmq admits any
/// CURVE client when no ZAP handler answers, and then the `User-Id` is whatever the peer put
/// in its handshake; without this process's token (``ZAPUserIds``) it was reduced to none
/// as the message was read, so such a message, like one whose key was since removed, finds
/// no identity here and is refused.
extension Dispatcher {
    /// `message` with its `User-Id` reduced to the key this process's ZAP handler vouched
    /// for, or to none when it lacks the token (a peer's own claim, see ``ZAPUserIds``).
    func vouched(_ message: ReceivedMessage) -> ReceivedMessage {
        var vouched = message
        vouched.userId = userIds?.key(in: message.userId)
        return vouched
    }

    /// The identity of a message on the socket of `domain`; nil when it has no `User-Id`,
    /// its key is not listed now, or its role may not use that socket.
    func identity(of message: ReceivedMessage, on domain: AccessDomain) -> PeerIdentity? {
        guard let key = message.userId, let identity = allowList.identity(ofKey: key), domain.admits(identity.role) else { return nil }
        return identity
    }

    /// Sends a `forbidden` error reply, and logs the refusal once per principal (or key) and
    /// command per minute, naming the key by its short id only.
    func forbid(_ envelope: Envelope, requestId: UInt64, command: String, peer: PeerIdentity?, key: String?, _ message: String) {
        logRefusal("refused a command", command: command, peer: peer, key: key, reason: message)
        _ = send(envelope.wrap(ClientProtocol.errorReply(WireError(.forbidden, message), requestId: requestId)), to: clientSocket)
    }

    /// A refusal's log line at notice, once per principal (or key) and `command` per minute;
    /// the key is named by its short id only.
    func logRefusal(_ line: Logger.Message, command: String?, peer: PeerIdentity?, key: String?, reason: String) {
        let who = peer?.principal ?? "unknown key"
        let keyId = peer?.keyId ?? key.flatMap(CurveKeyPair.shortId(ofPublicKey:)) ?? "-"
        guard refusalLog.shouldLog("\(who) \(keyId) \(command ?? "worker")", at: .now) else { return }
        var metadata: Logger.Metadata = ["principal": "\(who)", "key": "\(keyId)", "reason": "\(reason)"]
        if let command { metadata["command"] = "\(command)" }
        logger.notice(line, metadata: metadata)
    }

    /// The owner of a job: its batch's owner for a batch job (follow-ups included), else
    /// whoever submitted it.
    func owner(of record: JobRecord) -> String? {
        if let batchId = record.batchId { return batches[batchId]?.record.submittedBy }
        return record.submittedBy
    }

    /// A SIGHUP reload moved the list: take a copy, and close every connection whose key the
    /// new list no longer admits on its socket, and every registered worker's whose key no
    /// longer lists a kind it announced (a `kinds:` line narrowed). A client's departure then
    /// runs the usual way (its waits go); a worker is dropped here, its leases going back
    /// without counting an attempt: the tasks did nothing wrong.
    ///
    /// Each socket's events are read first, so only connections still open are shut down:
    /// the descriptor of one that closed may already serve another connection.
    func allowListReloaded(_ access: AccessControl, turn: inout Turn) {
        allowGeneration = access.generation
        allowList = access.list
        logBus?.allowListReloaded(allowList)
        let list = allowList
        var closed = 0
        var sockets: [(PeerConnections, AccessDomain)] = [(clientPeers, .client)]
        if let logBus { sockets.append((logBus.peers, .log)) }
        for (peers, domain) in sockets {
            peers.readEvents()
            for (connection, _) in peers.connections(where: { _, key in list.identity(ofKey: key).map { domain.admits($0.role) } != true }) {
                ZMQSocket.shutDownConnection(connection)
                closed += 1
            }
        }
        workerPeers.readEvents()
        for (connection, peer) in workerPeers.connections(where: { peer, key in !mayStay(worker: peer, key: key, in: list) }) {
            for hasDelimiter in [false, true] {
                workerLeft(Envelope(routingId: peer, hasDelimiter: hasDelimiter), countsAsAttempt: false, turn: &turn)
            }
            ZMQSocket.shutDownConnection(connection)
            closed += 1
        }
        logger.notice("allow list in force", metadata: ["keys": "\(allowList.count)", "connectionsClosed": "\(closed)"])
    }

    /// Whether the worker `peer` may stay connected with `key` under `list`: the key is a
    /// worker's, and may serve every kind the worker registered for.
    private func mayStay(worker peer: [UInt8], key: String, in list: AllowList) -> Bool {
        guard let identity = list.identity(ofKey: key), identity.role == .workers else { return false }
        return [false, true].allSatisfy { hasDelimiter in
            workers[Envelope(routingId: peer, hasDelimiter: hasDelimiter)]?.kinds.allSatisfy(identity.mayServe) ?? true
        }
    }

    /// Handshakes that failed without a key (a NULL peer, a wrong server key): a warning
    /// once per socket per minute with the count, so a flood of them costs one line.
    func logHandshakeFailures() {
        var sockets = [clientPeers, workerPeers]
        if let logBus { sockets.append(logBus.peers) }
        for peers in sockets {
            let failures = peers.takeHandshakeFailures()
            guard failures > 0 else { continue }
            handshakeFailuresUnlogged[peers.name, default: 0] += failures
            guard refusalLog.shouldLog("handshake \(peers.name)", at: .now) else { continue }
            logger.warning("refused handshakes without a key (no CURVE, or not this dispatcher's server key)", metadata: [
                "socket": "\(peers.name)", "failures": "\(handshakeFailuresUnlogged[peers.name] ?? failures)",
            ])
            handshakeFailuresUnlogged[peers.name] = 0
        }
    }
}
