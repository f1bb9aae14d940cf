import Foundation
import ChungTayAccess

/// The gateway's credentials (`--sms-credentials FILE`): one `name=value` per line, names
/// `username`, `password` and `token`; blank lines and lines starting with `#` are skipped,
/// spaces around a name or value are not part of it. For example
///
///     username=nhct_xa_1
///     password=s3cret
///
/// The file must be the dispatcher user's alone (mode 0600), like a CURVE secret key, and not
/// a symbolic link: its contents leave the machine with every request, so a file others can
/// read or redirect has leaked them.
public struct SMSCredentials: Sendable, Equatable, CustomStringConvertible {
    public var username: String?
    public var password: String?
    public var token: String?

    /// A credentials file is a few lines; anything bigger is not one.
    static let maxFileBytes = 4096

    public init(username: String? = nil, password: String? = nil, token: String? = nil) {
        self.username = username
        self.password = password
        self.token = token
    }

    /// Reads and checks the file (owner-only, regular, not a link, UTF-8, known names).
    public static func read(path: String) throws(SMSGatewayConfigurationError) -> SMSCredentials {
        let file: SecretFile.Contents
        do throws(KeyFileError) {
            file = try SecretFile.contents(of: path, maxBytes: maxFileBytes, what: "a credentials file", followingLinks: false)
            try SecretFile.requireOwnerOnly(file, path: path, replace: "the gateway password or token")
        } catch {
            throw SMSGatewayConfigurationError(error.description)
        }
        guard let text = String(validating: file.data, as: UTF8.self) else {
            throw SMSGatewayConfigurationError("\(path) is not UTF-8 text: not a credentials file")
        }
        return try SMSCredentials(parsing: text, path: path)
    }

    /// Refuses unknown names (a typo would send no credentials at all), a name given twice,
    /// an empty value, control characters (they would end up in a header or a body), a user
    /// name without its password and a file with neither a token nor a user name.
    init(parsing text: String, path: String) throws(SMSGatewayConfigurationError) {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let place = "\(path) line \(index + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                throw SMSGatewayConfigurationError("\(place): expected name=value (username, password or token)")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard ["username", "password", "token"].contains(name) else {
                throw SMSGatewayConfigurationError("\(place): unknown name '\(name)'; a credentials file has username, password and token")
            }
            guard values[name] == nil else { throw SMSGatewayConfigurationError("\(place): \(name) is given twice") }
            guard !value.isEmpty else { throw SMSGatewayConfigurationError("\(place): \(name) is empty") }
            guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw SMSGatewayConfigurationError("\(place): \(name) holds a control character")
            }
            values[name] = value
        }
        self.init(username: values["username"], password: values["password"], token: values["token"])
        guard (username == nil) == (password == nil) else {
            throw SMSGatewayConfigurationError("\(path): username and password go together; give both or neither")
        }
        guard token != nil || username != nil else {
            throw SMSGatewayConfigurationError("\(path) has no credentials: give username and password, or token")
        }
    }

    /// Names only: a credentials value never reaches a log line or an error message.
    public var description: String {
        let names = [("username", username), ("password", password), ("token", token)].compactMap { $0.1 == nil ? nil : $0.0 }
        return "SMSCredentials(\(names.joined(separator: ", ")))"
    }
}
