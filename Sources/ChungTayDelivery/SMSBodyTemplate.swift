import ChungTayAccess
import ChungTayCoding

/// The request body the gateway wants (`--sms-body-template FILE`, `--sms-body-format`): the
/// file's text with placeholders filled, since every Vietnamese gateway names its fields
/// differently. Placeholders are `{phone}`, `{text}`, `{reference}`, `{sender}`,
/// `{username}`, `{password}` and `{token}`; any other `{` is the template's own (a JSON
/// object's brace). Values are escaped for the format: inside a JSON string (the placeholder
/// stands between quotes: `"to":"{phone}"`) or percent-encoded in a form body
/// (`to={phone}&msg={text}`), so a text with quotes, `&` or Vietnamese letters cannot break the body.
public struct SMSBodyTemplate: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case json
        case form

        public var contentType: String {
            switch self {
            case .json: "application/json; charset=utf-8"
            case .form: "application/x-www-form-urlencoded"
            }
        }
    }

    public enum Placeholder: String, Sendable, CaseIterable {
        case phone, text, reference, sender, username, password, token
    }

    enum Piece: Sendable, Equatable {
        case literal([UInt8])
        case placeholder(Placeholder)
    }

    public let format: Format
    let pieces: [Piece]

    /// A template is a page at most; a bigger file is a wrong path.
    static let maxFileBytes = 65_536

    /// The placeholders the template uses.
    public var placeholders: Set<Placeholder> {
        Set(pieces.compactMap { if case .placeholder(let name) = $0 { name } else { nil } })
    }

    /// Reads the template file (a regular UTF-8 file of at most 64 KiB).
    public static func read(path: String, format: Format) throws(SMSGatewayConfigurationError) -> SMSBodyTemplate {
        let file: SecretFile.Contents
        do throws(KeyFileError) {
            file = try SecretFile.contents(of: path, maxBytes: maxFileBytes, what: "a body template")
        } catch {
            throw SMSGatewayConfigurationError(error.description)
        }
        guard let text = String(validating: file.data, as: UTF8.self) else {
            throw SMSGatewayConfigurationError("\(path) is not UTF-8 text: not a body template")
        }
        do {
            return try SMSBodyTemplate(text: text, format: format)
        } catch {
            throw SMSGatewayConfigurationError("\(path): \(error)")
        }
    }

    /// Parses `text` (trailing line breaks are not part of the body) and checks it: `{phone}`
    /// and `{text}` present, no unknown `{name}` (a typo would send the braces themselves),
    /// and, filled with values full of quotes and line breaks, valid JSON or a form body.
    public init(text: String, format: Format) throws(SMSGatewayConfigurationError) {
        self.format = format
        pieces = try Self.pieces(of: Array(text.utf8.reversed().drop { $0 == 0x0A || $0 == 0x0D }.reversed()))
        let used = placeholders
        for required in [Placeholder.phone, .text] where !used.contains(required) {
            throw SMSGatewayConfigurationError("the template has no {\(required.rawValue)}")
        }
        switch format {
        case .json:
            let sample = render(Dictionary(uniqueKeysWithValues: Placeholder.allCases.map { ($0, "a \"quoted\"\\\n{value}") }))
            guard JSONSyntax.isValid(sample) else {
                throw SMSGatewayConfigurationError(
                    #"is not one JSON text once its placeholders are filled: put each one inside a JSON string ("to":"{phone}")"#)
            }
        case .form:
            for case .literal(let bytes) in pieces where bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
                throw SMSGatewayConfigurationError("a form body has no spaces or line breaks outside its placeholders (write them as %20)")
            }
        }
    }

    /// The body with each placeholder replaced by its value escaped for the format; a
    /// placeholder without a value (checked against at configuration) is left empty.
    public func render(_ values: [Placeholder: String]) -> [UInt8] {
        var body: [UInt8] = []
        for piece in pieces {
            switch piece {
            case .literal(let bytes):
                body += bytes
            case .placeholder(let name):
                let value = values[name] ?? ""
                switch format {
                case .json: Self.appendJSONStringContent(value, to: &body)
                case .form: Self.appendPercentEncoded(value, to: &body)
                }
            }
        }
        return body
    }

    /// The JSON string's characters without its quotes, by the project's one JSON writer.
    static func appendJSONStringContent(_ value: String, to body: inout [UInt8]) {
        var quoted: [UInt8] = []
        JSONWriter.appendQuoted(value, to: &quoted)
        body += quoted.dropFirst().dropLast()
    }

    /// Every byte but the unreserved `A-Z a-z 0-9 - . _ ~` as `%XX` of its UTF-8 (a space as
    /// `%20`, which every form decoder reads as `+`).
    static func appendPercentEncoded(_ value: String, to body: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                body.append(byte)
            default:
                body += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
    }

    /// Splits at each `{name}` whose name is lower-case letters and `_`; such a name must be a
    /// placeholder. Other braces (`{"to":…}`) are literal text.
    private static func pieces(of bytes: [UInt8]) throws(SMSGatewayConfigurationError) -> [Piece] {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "{"), let close = bytes[(index + 1)...].firstIndex(where: { !isNameByte($0) }),
               close > index + 1, bytes[close] == UInt8(ascii: "}") {
                let name = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
                guard let placeholder = Placeholder(rawValue: name) else {
                    let known = Placeholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: ", ")
                    throw SMSGatewayConfigurationError("unknown placeholder {\(name)}; a template may use \(known)")
                }
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = []
                pieces.append(.placeholder(placeholder))
                index = close + 1
            } else {
                literal.append(bytes[index])
                index += 1
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_")
    }
}
