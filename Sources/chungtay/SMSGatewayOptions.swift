import ArgumentParser
import ChungTayDelivery
import Configuration

/// The dispatcher's SMS channel (README, "Sending SMS"): with `--sms-gateway URL`, pending SMS
/// recipients are posted to that gateway. Settings like any other (`sms.gateway`,
/// `CHUNGTAY_SMS_GATEWAY`, `chungtay.sms.gateway` in the file).
struct SMSGatewayOptions: ParsableArguments {
    @Option(name: .customLong("sms-gateway"), help: """
        Send SMS notifications by POSTing to this gateway URL: https, or http on loopback only unless --insecure; needs \
        --sms-credentials and --sms-body-template (CHUNGTAY_SMS_GATEWAY; default: no SMS).
        """)
    var gateway: String?
    @Option(name: .customLong("sms-credentials"), help: """
        The gateway's credentials file, mode 0600, not a link: lines username=…, password=… or token=… (CHUNGTAY_SMS_CREDENTIALS).
        """)
    var credentials: String?
    @Option(name: .customLong("sms-body-template"), help: """
        The request body with {phone}, {text}, {reference}, {sender}, {username}, {password}, {token} \
        (CHUNGTAY_SMS_BODY_TEMPLATE).
        """)
    var bodyTemplate: String?
    @Option(name: .customLong("sms-body-format"), help: "json or form (CHUNGTAY_SMS_BODY_FORMAT; default json).")
    var bodyFormat: String?
    @Option(name: .customLong("sms-sender"), help: "The sender name for {sender} (CHUNGTAY_SMS_SENDER).")
    var sender: String?
    @Option(name: .customLong("sms-rate"), help: "Requests per second at most, 1 to 1000 (CHUNGTAY_SMS_RATE; default 10).")
    var rate: Int?
    @Option(name: .customLong("sms-max-attempts"), help: """
        Attempts per SMS before it is failed, 1 to 100; retries back off from 2 s doubling to 10 min (CHUNGTAY_SMS_MAX_ATTEMPTS; default 6).
        """)
    var maxAttempts: Int?
    @Option(name: .customLong("sms-accept-json-member"), help: """
        NAME=VALUE: a 2xx answer counts as accepted only if its JSON object has this member, e.g. status=ok \
        (CHUNGTAY_SMS_ACCEPT_JSON_MEMBER; default: any 2xx).
        """)
    var acceptMember: String?

    var flags: [SettingsReader.Flag] {
        [
            .init(Self.gatewayKey, "--sms-gateway", gateway), .init(Self.credentialsKey, "--sms-credentials", credentials),
            .init(Self.templateKey, "--sms-body-template", bodyTemplate), .init(Self.formatKey, "--sms-body-format", bodyFormat),
            .init(Self.senderKey, "--sms-sender", sender), .init(Self.rateKey, "--sms-rate", rate),
            .init(Self.maxAttemptsKey, "--sms-max-attempts", maxAttempts), .init(Self.acceptKey, "--sms-accept-json-member", acceptMember),
        ]
    }

    /// The SMS channel's configuration, nil without `--sms-gateway`; `insecure` (`--insecure`)
    /// lets plain http reach beyond loopback. Reads the credentials and the template now, so a
    /// bad file stops the dispatcher's start rather than the first send.
    static func read(from settings: SettingsReader, insecure: Bool) async throws(ValidationError) -> SMSGatewayConfiguration? {
        guard let url = try await settings.string(gatewayKey) else {
            for key in [credentialsKey, templateKey, formatKey, senderKey, acceptKey] {
                try settings.require(try await settings.string(key) == nil, key, "needs --sms-gateway URL")
            }
            for key in [rateKey, maxAttemptsKey] {
                try settings.require(try await settings.int(key) == nil, key, "needs --sms-gateway URL")
            }
            return nil
        }
        guard let credentialsPath = try await settings.string(credentialsKey) else {
            throw ValidationError("\(settings.source(of: gatewayKey)) needs --sms-credentials FILE: the gateway's username and password or token")
        }
        guard let templatePath = try await settings.string(templateKey) else {
            throw ValidationError("\(settings.source(of: gatewayKey)) needs --sms-body-template FILE: the request body the gateway expects")
        }
        let format = try await settings.value(formatKey, as: SMSBodyFormatName.self)?.format ?? .json
        let rate = try await settings.int(rateKey)
        try settings.require(rate.map { (1...1000).contains($0) } ?? true, rateKey, "must be 1 to 1000 requests a second")
        let maxAttempts = try await settings.int(maxAttemptsKey)
        try settings.require(maxAttempts.map { (1...100).contains($0) } ?? true, maxAttemptsKey, "must be 1 to 100")
        let sender = try await settings.string(senderKey)
        let acceptText = try await settings.string(acceptKey)
        do throws(SMSGatewayConfigurationError) {
            var configuration = try SMSGatewayConfiguration(
                url: url, credentials: try SMSCredentials.read(path: credentialsPath),
                template: try SMSBodyTemplate.read(path: templatePath, format: format), sender: sender,
                acceptMember: try acceptText.map { text throws(SMSGatewayConfigurationError) in try SMSAcceptMember(parsing: text) },
                insecure: insecure
            )
            if let rate { configuration.ratePerSecond = rate }
            if let maxAttempts { configuration.maxAttempts = maxAttempts }
            return configuration
        } catch {
            throw ValidationError("SMS gateway: \(error)")
        }
    }

    private static let gatewayKey: ConfigKey = "sms.gateway"
    private static let credentialsKey: ConfigKey = "sms.credentials"
    private static let templateKey: ConfigKey = "sms.body.template"
    private static let formatKey: ConfigKey = "sms.body.format"
    private static let senderKey: ConfigKey = "sms.sender"
    private static let rateKey: ConfigKey = "sms.rate"
    private static let maxAttemptsKey: ConfigKey = "sms.max.attempts"
    private static let acceptKey: ConfigKey = "sms.accept.json.member"
}

/// A body format as the settings spell it (`json`, `form`).
struct SMSBodyFormatName: ExpressibleByArgument {
    var format: SMSBodyTemplate.Format

    init?(argument: String) {
        guard let format = SMSBodyTemplate.Format(rawValue: argument) else { return nil }
        self.format = format
    }

    static var allValueStrings: [String] { SMSBodyTemplate.Format.allCases.map(\.rawValue) }
}
