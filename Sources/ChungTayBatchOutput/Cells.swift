import Foundation
import ChungTayRules

/// How a stored document's values become CSV cells: as stored, so the export shows what
/// the review wrote (no trimming, no reformatting of numbers).
enum Cells {
    /// Text as is, numbers in their decimal spelling, null or missing as an empty cell,
    /// an array as its elements joined with `;`, an object as compact JSON.
    static func text(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        switch value {
        case .null: return nil
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.description
        case .unrepresentableNumber(let approximation): return "\(approximation)"
        case .string(let text): return text
        case .array(let elements): return elements.map { text($0) ?? "" }.joined(separator: ";")
        case .object: return json(value)
        }
    }

    /// The `code` of each flag, joined with `;`.
    static func flagCodes(_ value: JSONValue?) -> String? {
        guard case .array(let flags)? = value else { return text(value) }
        return flags.map { flag -> String in
            if case .object(let object) = flag { return text(object["code"]) ?? "" }
            return text(flag) ?? ""
        }.joined(separator: ";")
    }

    /// The `role` of each recipient, joined with `;`.
    static func recipientRoles(_ value: JSONValue?) -> String? {
        guard case .array(let recipients)? = value else { return text(value) }
        return recipients.map { recipient -> String in
            if case .object(let object) = recipient { return text(object["role"]) ?? "" }
            return text(recipient) ?? ""
        }.joined(separator: ";")
    }

    /// `source.file` and `source.line` of a batch document.
    static func source(_ document: JSONObject) -> (file: String?, line: String?) {
        guard case .object(let source)? = document["source"] else { return (nil, nil) }
        return (text(source["file"]), text(source["line"]))
    }

    /// An integer field read as `LoanNotice` reads its amounts: a JSON integer, or text
    /// holding one.
    static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .number(let number)?: return number.integerValue
        case .string(let text)?:
            return DecimalNumber(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))?.integerValue
        default: return nil
        }
    }

    /// Compact JSON of a value, for the rare object where a cell expects text.
    static func json(_ value: JSONValue) -> String {
        var output = ""
        write(value, into: &output)
        return output
    }

    private static func write(_ value: JSONValue, into output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += number.description
        case .unrepresentableNumber(let approximation): output += "\(approximation)"
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                write(element, into: &output)
            }
            output += "]"
        case .object(let object):
            output += "{"
            for (index, member) in object.members.enumerated() {
                if index > 0 { output += "," }
                writeString(member.key, into: &output)
                output += ":"
                write(member.value, into: &output)
            }
            output += "}"
        }
    }

    static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
