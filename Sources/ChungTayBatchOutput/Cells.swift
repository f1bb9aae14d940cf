import ChungTayCoding
import Foundation

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

    /// Compact JSON of a value, for the rare object where a cell expects text. As
    /// `JSONWriter.value` writes it, but for a number too large or too precise to hold,
    /// which is written as Swift prints its approximation (as exports always wrote it).
    static func json(_ value: JSONValue) -> String {
        var writer = JSONWriter(capacity: 64)
        write(value, into: &writer)
        return String(decoding: writer.finish(), as: UTF8.self)
    }

    private static func write(_ value: JSONValue, into writer: inout JSONWriter) {
        switch value {
        case .unrepresentableNumber(let approximation):
            let text = "\(approximation)"
            writer.raw(Array(text.utf8)[...])
        case .array(let elements):
            writer.openArray()
            for element in elements { write(element, into: &writer) }
            writer.closeArray()
        case .object(let object):
            writer.openObject()
            for member in object.members {
                writer.dynamicKey(member.key)
                write(member.value, into: &writer)
            }
            writer.closeObject()
        case .null, .bool, .number, .string:
            writer.value(value)
        }
    }
}
