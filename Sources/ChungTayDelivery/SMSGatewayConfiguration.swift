public import Foundation

/// Everything the SMS channel needs, checked together: the gateway's URL, its credentials and
/// body template, and how fast and how often to try. Built by the dispatcher's options
/// (`--sms-gateway`, `--sms-credentials`, …); an instance is a usable configuration.
public struct SMSGatewayConfiguration: Sendable {
    public let url: URL
    public let credentials: SMSCredentials
    public let template: SMSBodyTemplate
    public let sender: String?
    /// With it, a 2xx answer counts as accepted only when its JSON has this member and value.
    public let acceptMember: SMSAcceptMember?
    /// The `Authorization` header sent with every request, if any (``authorization(credentials:template:)``).
    let authorization: String?
    /// Requests per second at most, sustained (a burst of as many after a quiet second).
    public var ratePerSecond = 10
    /// Attempts per message before it is `failed` (the first one included).
    public var maxAttempts = 6
    public var connectTimeout: Duration = .seconds(10)
    /// The whole request, from connecting to the last byte of the answer.
    public var requestTimeout: Duration = .seconds(30)
    public var backoff = SMSBackoff()

    /// - Parameter insecure: lets plain `http://` reach beyond loopback, where the credentials
    ///   and every phone number and text would cross the network readable by anyone on the path.
    public init(
        url text: String, credentials: SMSCredentials, template: SMSBodyTemplate, sender: String?,
        acceptMember: SMSAcceptMember? = nil, insecure: Bool
    ) throws(SMSGatewayConfigurationError) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw SMSGatewayConfigurationError("\(text): expected an http:// or https:// URL with a host")
        }
        guard url.user == nil, url.password == nil else {
            throw SMSGatewayConfigurationError("\(text): credentials go in the credentials file, not in the URL (it is logged)")
        }
        if scheme == "http", !insecure, !Self.isLoopback(host: host) {
            throw SMSGatewayConfigurationError("""
                \(text): plain http beyond loopback would send the gateway credentials, phone numbers and texts \
                readable by anyone on the path; use https, or add --insecure to send them anyway
                """)
        }
        let placed = template.placeholders
        let values: [(SMSBodyTemplate.Placeholder, String?, String)] = [
            (.sender, sender, "--sms-sender"), (.username, credentials.username, "a username in the credentials file"),
            (.password, credentials.password, "a password in the credentials file"), (.token, credentials.token, "a token in the credentials file"),
        ]
        for (placeholder, value, source) in values where placed.contains(placeholder) && value == nil {
            throw SMSGatewayConfigurationError("the body template uses {\(placeholder.rawValue)}, which needs \(source)")
        }
        self.url = url
        self.credentials = credentials
        self.template = template
        self.sender = sender
        self.acceptMember = acceptMember
        authorization = try Self.authorization(credentials: credentials, template: template)
    }

    /// The credentials the template does not place go in a header: a token as
    /// `Authorization: Bearer`, a user name and password as HTTP Basic. A file with both,
    /// neither placed, is ambiguous and refused; credentials all placed in the body send no header.
    static func authorization(credentials: SMSCredentials, template: SMSBodyTemplate) throws(SMSGatewayConfigurationError) -> String? {
        let placed = template.placeholders
        let token = credentials.token.flatMap { placed.contains(.token) ? nil : $0 }
        var basic: String?
        if let username = credentials.username, let password = credentials.password, !placed.contains(.username), !placed.contains(.password) {
            basic = Data("\(username):\(password)".utf8).base64EncodedString()
        }
        switch (token, basic) {
        case (let token?, nil): return "Bearer \(token)"
        case (nil, let basic?): return "Basic \(basic)"
        case (nil, nil): return nil
        case (_?, _?):
            throw SMSGatewayConfigurationError("""
                the credentials file has both a token and a username and password, and the body template places neither: \
                keep only the one the gateway wants (the token goes as Authorization: Bearer, the others as HTTP Basic)
                """)
        }
    }

    /// `localhost`, `127.0.0.0/8` and `::1`: a gateway on this machine, reached without a network.
    static func isLoopback(host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

/// `NAME=VALUE` (`--sms-accept-json-member status=ok`): the member of a 2xx answer's JSON
/// object that says the gateway took the message, for gateways that answer 200 to a refusal.
public struct SMSAcceptMember: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(parsing text: String) throws(SMSGatewayConfigurationError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw SMSGatewayConfigurationError("\(text): expected NAME=VALUE, e.g. status=ok")
        }
        name = String(text[..<equals])
        value = String(text[text.index(after: equals)...])
    }
}
