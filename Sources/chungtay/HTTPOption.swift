import ArgumentParser
import ChungTayAccess
import ChungTayHTTPAPI
import ChungTayOperatorPage
import Configuration
import Logging

/// The dispatcher's HTTP API options (docs/openapi.yaml): `--http HOST:PORT` for a listener
/// of its own (else the API is served on `--metrics`), TLS, and the API's limits. Settings
/// like any other (`http.address`, `http.tls.certificate`, …; `CHUNGTAY_HTTP_ADDRESS`, …).
struct HTTPOption: ParsableArguments {
    @Option(name: .customLong("http"), help: """
        Serve the HTTP API (docs/openapi.yaml) on its own listener at HOST:PORT instead of on the --metrics listener \
        (CHUNGTAY_HTTP_ADDRESS; default: the API is on --metrics, if given). Beyond loopback it needs TLS and --allow, \
        or --insecure.
        """)
    var address: String?
    @Option(name: .customLong("http-tls-certificate"), help: """
        PEM certificate chain for the API's listener; with --http-tls-key it serves HTTPS (CHUNGTAY_HTTP_TLS_CERTIFICATE).
        """)
    var tlsCertificate: String?
    @Option(name: .customLong("http-tls-key"), help: "PEM private key of --http-tls-certificate, owner-only (CHUNGTAY_HTTP_TLS_KEY).")
    var tlsKey: String?
    @Option(name: .customLong("http-max-body"), help: """
        Largest body of a POST /v1/jobs/{kind}:batch or of a batch list piece in bytes, 1 to 1 GiB; more is 413 too_large \
        (CHUNGTAY_HTTP_MAX_BODY; default 16 MiB). A :batch goes to the dispatcher in SUBMITs that each fit \
        --max-message-bytes; one job's body (POST /v1/jobs/{kind}) is bounded by --max-message-bytes, and small JSON \
        bodies (batch open, dead-letter retry) by 64 KiB.
        """)
    var maxBody: Int?
    @Option(name: .customLong("http-idle-timeout"), help: """
        Seconds, 1 to 3600, after which the API closes a connection that sends nothing (no request, a stalled TLS \
        handshake, headers or body) (CHUNGTAY_HTTP_IDLE_TIMEOUT; default 30). A request's body must arrive within 60 s.
        """)
    var idleTimeout: Int?
    @Option(name: .customLong("http-seal-max-households"), help: """
        Most household records one POST /v1/batches/{id}:seal reads, 1 to 4294967294; pass 1 runs in the dispatcher and \
        holds about 190 bytes a record; larger lists go through `chungtay batch submit` \
        (CHUNGTAY_HTTP_SEAL_MAX_HOUSEHOLDS; default 500000).
        """)
    var sealMaxHouseholds: Int?
    @Option(name: .customLong("http-seal-max-loans"), help: """
        Most loan records one POST /v1/batches/{id}:seal reads, 1 to 4294967294; pass 1 runs in the dispatcher and holds \
        about 110 bytes a record; larger lists go through `chungtay batch submit` (CHUNGTAY_HTTP_SEAL_MAX_LOANS; default 1000000).
        """)
    var sealMaxLoans: Int?
    @Option(name: .customLong("http-rate"), help: """
        API requests per second per identity (principal, or remote address without one), burst twice that, 1 to 1000000; \
        more is 429 rate_limited (CHUNGTAY_HTTP_RATE; default 1000).
        """)
    var rate: Int?

    var flags: [SettingsReader.Flag] {
        [
            .init(Self.addressKey, "--http", address), .init(Self.certificateKey, "--http-tls-certificate", tlsCertificate),
            .init(Self.keyKey, "--http-tls-key", tlsKey), .init(Self.maxBodyKey, "--http-max-body", maxBody),
            .init(Self.rateKey, "--http-rate", rate), .init(Self.idleTimeoutKey, "--http-idle-timeout", idleTimeout),
            .init(Self.sealHouseholdsKey, "--http-seal-max-households", sealMaxHouseholds),
            .init(Self.sealLoansKey, "--http-seal-max-loans", sealMaxLoans),
        ]
    }

    /// Where and how the API is served.
    struct Listener {
        var address: OperatorPageAddress
        /// The API is on the `--metrics` listener (which then serves the page's routes too).
        var sharesMetrics: Bool
        var tls: (certificate: String, key: String)?
        var maxBodyBytes: Int
        var requestsPerSecond: Int
        var idleTimeoutSeconds: Int
        var sealMaxHouseholds: Int
        var sealMaxLoans: Int
    }

    /// The smallest `--max-message-bytes` the API is served with: a SUBMIT's envelope and a
    /// small job must fit one message to the dispatcher.
    static let minimumMessageBytes = 8192

    /// The API's listener, or nil when it is not served: no `--http` and no `--metrics`, or
    /// a `--metrics` listener beyond loopback that may not carry the API (then the page is
    /// served there alone, as before the API existed; `notice` says why).
    static func read(
        from settings: SettingsReader, metrics: OperatorPageAddress?, curve: Bool, insecure: Bool
    ) async throws(ValidationError) -> (listener: Listener?, notice: String?) {
        let certificate = try await settings.string(certificateKey)
        let key = try await settings.string(keyKey)
        try settings.require((certificate == nil) == (key == nil), certificate == nil ? keyKey : certificateKey,
                             "needs both --http-tls-certificate and --http-tls-key")
        let tls = certificate.flatMap { certificate in key.map { (certificate, $0) } }
        let maxBody = try await settings.int(maxBodyKey) ?? 16 << 20
        try settings.require((1...(1 << 30)).contains(maxBody), maxBodyKey, "must be 1 to 1073741824 bytes")
        let rate = try await settings.int(rateKey) ?? 1000
        try settings.require((1...1_000_000).contains(rate), rateKey, "must be 1 to 1000000 requests a second")
        let idleTimeout = try await settings.int(idleTimeoutKey) ?? 30
        try settings.require((1...3600).contains(idleTimeout), idleTimeoutKey, "must be 1 to 3600 seconds")
        let sealHouseholds = try await settings.int(sealHouseholdsKey) ?? HTTPAPIConfiguration.defaultMaxSealHouseholds
        try settings.require((1...4_294_967_294).contains(sealHouseholds), sealHouseholdsKey, "must be 1 to 4294967294 records")
        let sealLoans = try await settings.int(sealLoansKey) ?? HTTPAPIConfiguration.defaultMaxSealLoans
        try settings.require((1...4_294_967_294).contains(sealLoans), sealLoansKey, "must be 1 to 4294967294 records")
        let address: OperatorPageAddress
        let sharesMetrics: Bool
        if let text = try await settings.string(addressKey) {
            do throws(OperatorPageAddressError) {
                address = try OperatorPageAddress(parsing: text, allowingRemote: true)
            } catch {
                throw ValidationError("\(settings.source(of: addressKey)): \(error)")
            }
            sharesMetrics = false
        } else if let metrics {
            address = metrics
            sharesMetrics = true
        } else {
            try settings.require(tls == nil, certificateKey, "needs a listener for the API: --http HOST:PORT or --metrics HOST:PORT")
            return (nil, nil)
        }
        // Beyond loopback only with identities and encryption both, as the ZeroMQ endpoints
        // need CURVE: tokens over plain HTTP would cross the network readable.
        if !address.isLoopback, !(curve && tls != nil), !insecure {
            let missing = curve ? "--http-tls-certificate and --http-tls-key (a bearer token must not cross the network in clear)"
                : "--curve-secret and --allow (without them the API checks no identity: anyone reaching it may submit and read everything)"
            guard sharesMetrics else {
                throw ValidationError("""
                    \(settings.source(of: addressKey)): \(address) is not a loopback address; serving the HTTP API there needs \
                    \(missing), or --insecure to serve it anyway
                    """)
            }
            return (nil, "the HTTP API is not served on the --metrics listener \(address), which is not loopback: it needs \(missing), "
                + "or --insecure, or its own loopback listener (--http)")
        }
        let listener = Listener(
            address: address, sharesMetrics: sharesMetrics, tls: tls, maxBodyBytes: maxBody, requestsPerSecond: rate,
            idleTimeoutSeconds: idleTimeout, sealMaxHouseholds: sealHouseholds, sealMaxLoans: sealLoans)
        return (listener, nil)
    }

    private static let addressKey: ConfigKey = "http.address"
    private static let certificateKey: ConfigKey = "http.tls.certificate"
    private static let keyKey: ConfigKey = "http.tls.key"
    private static let maxBodyKey: ConfigKey = "http.max.body"
    private static let rateKey: ConfigKey = "http.rate"
    private static let idleTimeoutKey: ConfigKey = "http.idle.timeout"
    private static let sealHouseholdsKey: ConfigKey = "http.seal.max.households"
    private static let sealLoansKey: ConfigKey = "http.seal.max.loans"
}

extension HTTPOption.Listener {
    /// The API's listener service; sharing `--metrics`, it serves the operators' page too and
    /// prints the `metricsAddress` line, else the `httpAddress` line.
    ///
    /// - Throws: the TLS certificate or key cannot be used.
    func service(
        credentials: HTTPCredentials?, requestClientCertificates: Bool, dataDirectory: String, maxMessageBytes: Int,
        dispatcher: @escaping @Sendable () async -> OperatorPageService.ReadyDispatcher?, logger: Logger
    ) throws(KeyFileError) -> HTTPAPIService {
        var configuration = HTTPAPIConfiguration(dataDirectory: dataDirectory)
        configuration.maxBodyBytes = maxBodyBytes
        configuration.requestsPerSecond = requestsPerSecond
        configuration.idleTimeout = .seconds(idleTimeoutSeconds)
        configuration.maxSealHouseholds = sealMaxHouseholds
        configuration.maxSealLoans = sealMaxLoans
        configuration.maxMessageBytes = maxMessageBytes
        let host = address.host
        let sharesMetrics = self.sharesMetrics
        return try HTTPAPIService(
            host: host, port: address.port, tls: tls.map { HTTPAPIService.TLSFiles(certificate: $0.certificate, key: $0.key) },
            requestClientCertificates: requestClientCertificates, configuration: configuration, credentials: credentials,
            dispatcher: {
                guard let ready = await dispatcher() else { return nil }
                return HTTPAPIService.ReadyDispatcher(clientEndpoint: ready.clientEndpoint, curve: ready.curve) { router in
                    if sharesMetrics { OperatorPageRoutes.register(on: router, dispatcher: ready, logger: logger) }
                }
            }, logger: logger
        ) { port in
            let bound = OperatorPageAddress(host: host, port: port).description
            DispatcherCommand.printListening(sharesMetrics ? "metricsAddress" : "httpAddress", bound, logger: logger)
        }
    }
}
