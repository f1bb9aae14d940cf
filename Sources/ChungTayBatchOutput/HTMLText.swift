/// Text put into the printed HTML. Every value comes from an office's lists (names,
/// villages, group ids, messages), so each is escaped where it is inserted: `&`, `<`,
/// `>` and both quotes become character references, and control characters other than
/// tab and line breaks (which no form shows and some renderers choke on) become U+FFFD.
enum HTMLText {
    static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    result.unicodeScalars.append("\u{FFFD}")
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// An optional value; a missing one prints as an empty cell, never as "-" or "nil".
    static func escaped(_ text: String?) -> String {
        text.map(escaped) ?? ""
    }
}
