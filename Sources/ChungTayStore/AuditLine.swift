public import ChungTayCoding
public import Foundation
import ChungTayWire

/// Writes one audit line: `{"time":…,"event":…, members…}` and a newline, with the
/// project's one JSON writer, so every line is one compact object and never holds a raw
/// newline whatever its strings contain.
public enum AuditLine {
    /// Appends the line to `lines`; `members` writes the members after `time` and `event`.
    public static func append(
        to lines: inout [UInt8], time: String, event: AuditEvent, _ members: (inout JSONWriter) -> Void
    ) {
        var writer = JSONWriter(capacity: 256)
        writer.openObject()
        writer.key("time")
        writer.string(time)
        writer.key("event")
        writer.string(event.rawValue)
        members(&writer)
        writer.closeObject()
        writer.finish(appendingTo: &lines)
        lines.append(UInt8(ascii: "\n"))
    }

    /// RFC 3339 UTC with milliseconds, as every line's `time`.
    public static func time(_ date: Date) -> String {
        Timestamp.rfc3339(date)
    }

    /// A list of job or task ids as a JSON array of numbers.
    public static func ids(_ ids: [UInt64], into writer: inout JSONWriter) {
        writer.openArray()
        for id in ids { writer.integer(Int(clamping: id)) }
        writer.closeArray()
    }

    /// The hash a household code is looked up by (the keys sidecars' FNV-1a), as 16 hex
    /// digits: the line can be matched with a code someone already knows, and names none.
    public static func keyHash(_ key: String) -> String {
        let hex = String(UInt64(bitPattern: DocumentKey.hash(key)), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
