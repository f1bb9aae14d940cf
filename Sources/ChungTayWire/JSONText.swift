import Foundation

/// The few JSON text operations the dispatcher and workers need without a full encoder:
/// string escaping for spliced fields and a validity check for opaque replies.
public enum JSONText {
    public static func appendString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): output.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): output.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): output.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    public static func quoted(_ string: String) -> String {
        var bytes: [UInt8] = []
        appendString(string, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Whether the bytes are one JSON text in UTF-8 (RFC 8259, strictly), which callers
    /// then splice into a UTF-8 document as they are. JSONSerialization was used before: it
    /// also takes a byte order mark, UTF-16 and UTF-32 text and trailing commas, and
    /// spliced in, those made stored documents no reader can parse.
    public static func isValidJSON(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil && JSONSyntax.isValid(bytes)
    }
}
