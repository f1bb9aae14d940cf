import ChungTayCoding
public import Foundation
import ChungTayWire

/// Writes one audit line: `{"time":…,"event":…, members…}` and a newline, with the
/// project's one JSON writer, so every line is one compact object and never holds a raw
/// newline whatever its strings contain.
public enum AuditLine {
    /// A member's value: the few shapes audit lines use.
    public enum Value {
        /// A string, or null when absent.
        case string(String?)
        case integer(Int)
        /// Job or task ids, as a JSON array of numbers.
        case ids([UInt64])
        case object(KeyValuePairs<String, Value>)
    }

    /// Appends the line to `lines`: `time`, `event`, then `members` in order.
    public static func append(to lines: inout [UInt8], time: String, event: AuditEvent, _ members: KeyValuePairs<String, Value>) {
        var writer = JSONWriter(capacity: 256)
        writer.openObject()
        writer.key("time")
        writer.string(time)
        writer.key("event")
        writer.string(event.rawValue)
        write(members, into: &writer)
        writer.closeObject()
        writer.finish(appendingTo: &lines)
        lines.append(UInt8(ascii: "\n"))
    }

    private static func write(_ members: KeyValuePairs<String, Value>, into writer: inout JSONWriter) {
        for (key, value) in members {
            writer.dynamicKey(key)
            switch value {
            case .string(let text):
                writer.string(text)
            case .integer(let number):
                writer.integer(number)
            case .ids(let ids):
                writer.openArray()
                for id in ids { writer.integer(Int(clamping: id)) }
                writer.closeArray()
            case .object(let members):
                writer.openObject()
                write(members, into: &writer)
                writer.closeObject()
            }
        }
    }

    /// RFC 3339 UTC with milliseconds, as every line's `time`.
    public static func time(_ date: Date) -> String {
        Timestamp.rfc3339(date)
    }

    /// The hash a household code is looked up by (the keys sidecars' FNV-1a), as 16 hex
    /// digits: the line can be matched with a code someone already knows, and names none.
    public static func keyHash(_ key: String) -> String {
        let hex = String(UInt64(bitPattern: DocumentKey.hash(key)), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
