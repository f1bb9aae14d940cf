import ChungTayCoding

/// An SMS rendering: unaccented GSM-7 text, and its split into the parts a gateway
/// sends (one part up to 160 characters; above that, parts of 153 because each part
/// carries a concatenation header).
public struct SMSText: Sendable, Equatable {
    /// The whole message, printable ASCII that is also in the GSM-7 alphabet.
    public let text: String
    /// The parts to send, in order; one part when the text fits a single message.
    public let parts: [String]

    init(_ text: String, singleMessageLimit: Int, concatenatedPartLimit: Int) {
        self.init(
            unaccented: UnicodeText.unaccented(text), singleMessageLimit: singleMessageLimit,
            concatenatedPartLimit: concatenatedPartLimit
        )
    }

    /// From text already through `UnicodeText.unaccented`: printable ASCII, so one byte
    /// is one character (no CR LF pair, which `unaccented` turns into two spaces), and
    /// the GSM-7 work is done on bytes.
    init(unaccented: String, singleMessageLimit: Int, concatenatedPartLimit: Int) {
        var gsm = unaccented
        // The backtick is the one printable ASCII character GSM-7 cannot carry.
        let septets = gsm.withUTF8 { bytes -> Int? in
            var septets = bytes.count
            for byte in bytes {
                if byte == UInt8(ascii: "`") { return nil }
                if Self.isExtension(byte) { septets += 1 }
            }
            return septets
        }
        if septets == nil {
            gsm = String(decoding: gsm.utf8.map { $0 == UInt8(ascii: "`") ? UInt8(ascii: "'") : $0 }, as: UTF8.self)
        }
        self.text = gsm
        guard (septets ?? Self.septets(gsm)) > singleMessageLimit else {
            parts = [gsm]
            return
        }
        parts = gsm.withUTF8 { bytes -> [String] in
            var parts: [String] = []
            var start = 0
            var used = 0
            for index in bytes.indices {
                let width = Self.isExtension(bytes[index]) ? 2 : 1
                if used + width > concatenatedPartLimit {
                    parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                    start = index
                    used = 0
                }
                used += width
            }
            if start < bytes.count {
                parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            }
            return parts
        }
    }

    /// Characters of GSM-7's extension table (`^ { } \ [ ] ~ |`): each takes two of the
    /// 160 positions.
    private static func isExtension(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "^"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\\"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "~"), UInt8(ascii: "|"):
            return true
        default:
            return false
        }
    }

    /// The length in GSM-7 positions of printable ASCII text.
    static func septets(_ text: String) -> Int {
        text.utf8.reduce(0) { $0 + (isExtension($1) ? 2 : 1) }
    }
}
