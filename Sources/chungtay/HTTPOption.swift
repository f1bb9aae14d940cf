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
        Largest request body of the API in bytes, 1 to 1 GiB; more is 413 too_large (CHUNGTAY_HTTP_MAX_BODY; default 16 MiB).
        """)
    var maxBody: Int?
    @Option(name: .customLong("http-rate"), help: """
        API requests per second per identity (principal, or remote address without one), burst twice that, 1 to 1000000; \
        more is 429 rate_limited (CHUNGTAY_HTTP_RATE; default 1000).
        """)
    var rate: Int?

    var flags: [SettingsReader.Flag] {
        [
            .init(Self.addressKey, "--http", address), .init(Self.certificateKey, "--http-tls-certificate", tlsCertificate),
            .init(Self.keyKey, "--http-tls-key", tlsKey), .init(Self.maxBodyKey, "--http-max-body", maxBody),
            .init(Self.rateKey, "--http-rate", rate),
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
    }

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
        return (Listener(address: address, sharesMetrics: sharesMetrics, tls: tls, maxBodyBytes: maxBody, requestsPerSecond: rate), nil)
    }

    private static let addressKey: ConfigKey = "http.address"
    private static let certificateKey: ConfigKey = "http.tls.certificate"
    private static let keyKey: ConfigKey = "http.tls.key"
    private static let maxBodyKey: ConfigKey = "http.max.body"
    private static let rateKey: ConfigKey = "http.rate"
}

extension HTTPOption.Listener {
    /// The API's listener service; sharing `--metrics`, it serves the operators' page too and
    /// prints the `metricsAddress` line, else the `httpAddress` line.
    ///
    /// - Throws: the TLS certificate or key cannot be used.
    func service(
        credentials: HTTPCredentials?, requestClientCertificates: Bool, dataDirectory: String,
        dispatcher: @escaping @Sendable () async -> OperatorPageService.ReadyDispatcher?, logger: Logger
    ) throws(KeyFileError) -> HTTPAPIService {
        var configuration = HTTPAPIConfiguration(dataDirectory: dataDirectory)
        configuration.maxBodyBytes = maxBodyBytes
        configuration.requestsPerSecond = requestsPerSecond
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
            DispatcherCommand.printListening(sharesMetrics ? "metricsAddress" : "httpAddress", bound)
        }
    }
}
