import ChungTayCoding

/// The few JSON text operations the dispatcher and workers need without a full encoder:
/// string escaping for spliced fields and a validity check for opaque replies, both by
/// ChungTayCoding's writer and reader grammar, so the dispatcher's modules need not
/// import it.
public enum JSONText {
    public static func appendString(_ string: String, to output: inout [UInt8]) {
        JSONWriter.appendQuoted(string, to: &output)
    }

    public static func quoted(_ string: String) -> String {
        JSONWriter.quoted(string)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        UnicodeText.isASCIIWhitespace(byte)
    }

    /// Whether the bytes are one JSON text in UTF-8 (RFC 8259, strictly), which callers
    /// then splice into a UTF-8 document as they are. JSONSerialization was used before: it
    /// also takes a byte order mark, UTF-16 and UTF-32 text and trailing commas, and
    /// spliced in, those made stored documents no reader can parse.
    public static func isValidJSON(_ bytes: [UInt8]) -> Bool {
        JSONSyntax.isValid(bytes)
    }
}
