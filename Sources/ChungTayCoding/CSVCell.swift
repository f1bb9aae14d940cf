/// One CSV cell as RFC 4180 writes it: quoted when it holds a comma, a double quote, CR
/// or LF, with its quotes doubled; as it is otherwise. The sample data and the exports
/// write their cells with it.
public enum CSVCell {
    public static func append(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = text.utf8
        let needsQuotes = utf8.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A
        }
        guard needsQuotes else {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in utf8 {
            bytes.append(byte)
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
