/// Text from peers made safe to print on a terminal: log records and worker names come
/// from the wire, and a control character in them (ESC, OSC, a carriage return) would let
/// their sender move the cursor, retitle the window or rewrite what an operator reads.
public enum TerminalText {
    /// `text` with every C0 and C1 control character and DEL replaced by U+FFFD.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isControl(scalar) ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
