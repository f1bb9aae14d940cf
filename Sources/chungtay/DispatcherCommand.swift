import ArgumentParser
import ChungTayAccess
import ChungTayDelivery
import ChungTayRuntime
import ChungTayDispatcher
import ChungTayHTTPAPI
import ChungTayOperatorPage
import ChungTayStore
import ChungTayWire
import ServiceLifecycle
import Dispatch
import Foundation
import Logging
import ZeroMQ

struct DispatcherCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatcher",
        abstract: "Run the dispatcher: durable job queue, task routing, JSON stores.",
        discussion: """
            Each setting comes from its flag, else the CHUNGTAY_* environment variable, else \
            the --config JSON file, else the default. On start it prints one JSON line \
            {"event":"ready","clientEndpoint":…,"workerEndpoint":…,"logEndpoint":…} on standard output (no logEndpoint \
            with --log-endpoint none); with \
            --metrics, a second line {"event":"listening","metricsAddress":…} once that listener is bound, and with \
            --http a line {"event":"listening","httpAddress":…} once the HTTP API's own listener is bound.

            The HTTP API (docs/openapi.yaml, also served at /openapi.yaml) is on the --metrics listener, or on its own \
            with --http. It is a client of the client endpoint acting for each caller's principal (a bearer token \
            ROLE/NAME.token or a TLS client certificate ROLE/NAME.crt in --allow DIR), so the same roles, owners and \
            limits apply. Its own bounds: --http-max-body, --http-rate per identity (burst twice that; 4096 identities \
            remembered; an address without identity counts by its IPv6 /64), 256 long-polls (?wait) open and 16 per \
            identity (too_many_waits), 512 connections, 128 per remote address, each closed after --http-idle-timeout \
            without a byte, a body within 60 s; a request over --max-message-bytes is too_large. A --metrics \
            listener beyond loopback carries the API only with TLS and --allow, or --insecure; else it serves the page alone.

            Fixed bounds (docs/PROTOCOL.md, "Limits" and "Defaults"); past one a request gets the \
            error code named, or as stated: 1000 ids per WAIT and 10,000 per RETRY-DEAD-LETTERS (too_large); \
            16 pending WAITs and 16 awaited MDP replies per client, 1024 of each in all \
            (too_many_waits); 16 queued replies per client (more are dropped); 64 kinds per \
            worker and 1024 announced kinds (too_many_kinds); 8,192 counters per job and \
            16,384 counter names per batch (too_many_counters); failure messages cut to 4 KiB; \
            JOB-INFO, WAIT-DONE, DEAD-LETTER-LIST and DOCUMENTS replies within \
            --max-message-bytes. A client's waits and a worker's leases end with its connection.

            With --curve-secret FILE --allow DIR the client, worker and log endpoints are CURVE \
            servers admitting the keys in DIR/clients, DIR/workers and DIR/operators, every command \
            is checked by role and owner (refusals: error code forbidden), and SIGHUP reloads DIR, \
            closing the connections of keys no longer listed. Without it, a tcp:// endpoint beyond \
            loopback is refused unless --insecure (docs/PROTOCOL.md, "Security considerations").

            Notifications are recorded in the journal's outbox as they are stored (a repeat of a live \
            dedupKey is suppressed) and delivered beside the dispatcher's thread: --notify-feed E serves \
            them to subscribers (CTNP01, `chungtay notifications follow`), --sms-gateway URL with \
            --sms-credentials FILE and --sms-body-template FILE sends borrowers' SMS; `chungtay \
            notifications list` shows where each stands.
            """)

    @OptionGroup var settings: DispatcherSettings

    func run() throws {
        let (settled, curve, logging, metrics, delivery, http) = try settings.resolve()
        var configured = settled
        configured.logSink = LogSink()
        let logger = ProcessLogging.bootstrap(logging, identity: LogIdentity(role: .dispatcher), sink: configured.logSink)
        var reloads: (any DispatchSourceSignal)?
        var credentials: HTTPCredentials?
        if let curve {
            let access = try AccessControl(directory: curve.allowDirectory, serverPublicKey: curve.keyPair.publicKey, logger: logger)
            configured.curve = DispatcherCurve(keyPair: curve.keyPair, access: access)
            reloads = AllowListReload.start(access, logger: logger)
            credentials = HTTPCredentials(access: access)
        }
        if let notice = http.notice { logger.warning("\(notice)") }
        defer { reloads?.cancel() }
        let configuration = configured
        let operatorKeys = configuration.curve.map { CurveClientKeys(serverPublicKey: $0.keyPair.publicKey, keyPair: $0.keyPair) }
        let (readyDispatcher, dispatcherReady) = AsyncStream.makeStream(of: OperatorPageService.ReadyDispatcher.self)
        let (readyAPI, apiReady) = AsyncStream.makeStream(of: OperatorPageService.ReadyDispatcher.self)
        // Made before anything starts, so a bad TLS certificate or key stops the start.
        if http.listener != nil, configuration.maxMessageSize < HTTPOption.minimumMessageBytes {
            throw ValidationError("""
                --max-message-bytes \(configuration.maxMessageSize) is too small for the HTTP API: it sends each request in one \
                message to the dispatcher, which needs at least \(HTTPOption.minimumMessageBytes) bytes
                """)
        }
        let api = try http.listener.map { listener in
            try listener.service(
                credentials: credentials, requestClientCertificates: configuration.curve?.access.list.listsCertificates ?? false,
                dataDirectory: configuration.dataDirectory.path, maxMessageBytes: configuration.maxMessageSize,
                dispatcher: { await readyAPI.first { _ in true } }, logger: logger)
        }
        let (readyStore, storeReady) = AsyncStream.makeStream(of: Void.self)
        try ServiceRunner.run(logger: logger) {
            let dispatcher = Dispatcher.service(configuration: configuration, logger: logger) { client, worker, log in
                let logMember = log.map { #","logEndpoint":"# + JSONText.quoted($0) } ?? ""
                let line = #"{"event":"ready","clientEndpoint":"# + JSONText.quoted(client) + #","workerEndpoint":"# + JSONText.quoted(worker)
                    + logMember + "}\n"
                Self.printServiceLine(line, logger: logger)
                ServiceManagerNotification.ready(status: "serving: clients \(client), workers \(worker)", logger: logger)
                let ready = OperatorPageService.ReadyDispatcher(
                    clientEndpoint: client, curve: operatorKeys, logFeed: log.map { LogBusFeed(endpoint: $0, curve: operatorKeys) })
                dispatcherReady.yield(ready)
                apiReady.yield(ready)
                storeReady.yield()
            }
            let delivery = NotificationDelivery(
                dataDirectory: DataDirectory(root: configuration.dataDirectory), ready: { _ = await readyStore.first { _ in true } },
                channels: { outbox, ledger in
                    var channels: [any Service] = []
                    if let endpoint = delivery.notifyFeed {
                        let feedCurve = configuration.curve.map { NotificationFeed.Curve(keyPair: $0.keyPair, access: $0.access) }
                        channels.append(NotificationFeed(endpoint: endpoint, ledger: ledger, outbox: outbox, curve: feedCurve, logger: logger))
                    }
                    if let sms = delivery.sms { channels.append(SMSDelivery(configuration: sms, ledger: ledger, logger: logger)) }
                    return channels
                }, logger: logger)
            var services: [any Service] = [dispatcher, delivery]
            // Each listener binds once the dispatcher is ready, so its line follows the ready line.
            if let metrics, http.listener?.sharesMetrics != true {
                services.append(OperatorPageService(
                    address: metrics, dispatcher: { await readyDispatcher.first { _ in true } }, logger: logger
                ) { address in Self.printListening("metricsAddress", address, logger: logger) })
            }
            if let api { services.append(api) }
            return services
        }
    }

    /// `{"event":"listening","NAME":"HOST:PORT"}` on standard output.
    static func printListening(_ name: String, _ address: String, logger: Logger) {
        printServiceLine(#"{"event":"listening",""# + name + #"":"# + JSONText.quoted(address) + "}\n", logger: logger)
    }

    /// A line for whoever started the service (scripts wait for it); the service goes on,
    /// with a warning in its log, when standard output cannot take it.
    private static func printServiceLine(_ line: String, logger: Logger) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(line.utf8))
        } catch {
            logger.warning("cannot write standard output", metadata: ["error": "\(error)", "line": "\(line.dropLast())"])
        }
    }
}
