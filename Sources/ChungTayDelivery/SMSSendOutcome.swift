import Foundation
import ChungTayCoding
import ChungTayRuntime

/// What one request to the gateway came to.
public enum SMSSendOutcome: Sendable, Equatable {
    /// The gateway took the message.
    case accepted
    /// Worth another try later: the gateway was down, busy or slow (5xx, 408, 429), or no
    /// answer came (timeout, connection refused or reset). The message may have been taken
    /// even so, which is why each request carries the same `{reference}`.
    case transient(String)
    /// The gateway judged the request and refused it (another 4xx, a 2xx without the accepted
    /// member, a redirect): the same request would be refused again.
    case permanent(String)

    /// Judges an answer: 2xx accepted (with `acceptMember`, only if its JSON object has that
    /// member with that value), 408, 429 and 5xx transient, every other status permanent.
    /// Error texts carry the status and the start of the answer, phone-like digit runs masked.
    static func classify(status: Int, body: [UInt8], acceptMember: SMSAcceptMember?) -> SMSSendOutcome {
        switch status {
        case 200...299:
            guard let acceptMember else { return .accepted }
            if let object = try? JSONReader.parse(body).objectValue,
               let member = object.members.first(where: { $0.key == acceptMember.name }),
               text(of: member.value) == acceptMember.value {
                return .accepted
            }
            return .permanent("http \(status) without \(acceptMember.name)=\(acceptMember.value)\(excerpt(body))")
        case 408, 429, 500...599:
            return .transient("http \(status)\(excerpt(body))")
        default:
            return .permanent("http \(status)\(excerpt(body))")
        }
    }

    /// A string member's text, or a number's or a boolean's JSON spelling (`"status":0`).
    private static func text(of value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number.description
        default: nil
        }
    }

    /// `: ` and at most 200 characters of the answer on one line, for the ledger's last error.
    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(800), as: UTF8.self)
            .unicodeScalars.map { $0.properties.generalCategory == .control ? " " : String($0) }.joined()
            .trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return "" }
        return ": " + PersonalDataMask.mask(String(text.prefix(200)))
    }
}
