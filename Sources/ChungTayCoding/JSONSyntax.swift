/// `JSONReader`'s strict RFC 8259 grammar as a check only, building nothing: for bytes
/// the dispatcher and workers splice into stored documents as they are (MDP replies,
/// `system.echo` payloads), which are any client's and need not be read.
///
/// It shares the reader's pieces (white space, the number grammar of `DecimalNumber`,
/// UTF-8 validation) and differs where a reader must produce values: a `\u` escape of a
/// lone surrogate is valid syntax here (the reader cannot make a scalar of it), and
/// nesting is followed to `maximumDepth`, deeper than the reader's.
///
/// JSONSerialization, used before, is lenient (a trailing comma in an object passes on
/// Linux, so does a byte order mark or UTF-16), and a document spliced from what it
/// accepted is a stored line no strict reader can parse.
public struct JSONSyntax {
    public static let maximumDepth = 512

    private let bytes: [UInt8]
    private var index = 0

    /// Whether `bytes` is exactly one JSON value in UTF-8 with optional white space around it.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        let utf8 = bytes.withUnsafeBufferPointer(UTF8Validation.classify)
        guard utf8 != .invalid else { return false }
        var syntax = JSONSyntax(bytes: bytes)
        guard syntax.value(depth: 0) else { return false }
        syntax.skipWhiteSpace()
        return syntax.index == bytes.count
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhiteSpace() {
        while let byte = current, UnicodeText.isASCIIWhitespace(byte) { index += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    private mutating func value(depth: Int) -> Bool {
        skipWhiteSpace()
        switch current {
        case UInt8(ascii: "{"): return container(closing: UInt8(ascii: "}"), keyed: true, depth: depth + 1)
        case UInt8(ascii: "["): return container(closing: UInt8(ascii: "]"), keyed: false, depth: depth + 1)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    /// An object (`keyed`) or an array, from its opening bracket.
    private mutating func container(closing: UInt8, keyed: Bool, depth: Int) -> Bool {
        guard depth <= Self.maximumDepth else { return false }
        index += 1
        skipWhiteSpace()
        if take(closing) { return true }
        while true {
            if keyed {
                skipWhiteSpace()
                guard string() else { return false }
                skipWhiteSpace()
                guard take(UInt8(ascii: ":")) else { return false }
            }
            guard value(depth: depth) else { return false }
            skipWhiteSpace()
            if take(closing) { return true }
            guard take(UInt8(ascii: ",")) else { return false }
        }
    }

    private mutating func string() -> Bool {
        guard take(UInt8(ascii: "\"")) else { return false }
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return true
            case UInt8(ascii: "\\"):
                guard let escaped = current else { return false }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    for _ in 0..<4 {
                        guard let hex = current, Self.isHexDigit(hex) else { return false }
                        index += 1
                    }
                default:
                    return false
                }
            case ..<0x20:
                return false
            default:
                continue
            }
        }
        return false
    }

    /// A number token: the longest run of bytes a number can hold, in the reader's grammar.
    private mutating func number() -> Bool {
        let start = index
        while let byte = current, DecimalNumber.isNumberByte(byte) { index += 1 }
        return bytes.withUnsafeBufferPointer { all in
            guard case .malformed = DecimalNumber.parse(UnsafeBufferPointer(rebasing: all[start..<index])) else { return true }
            return false
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - index >= text.count, bytes[index..<(index + text.count)].elementsEqual(text) else { return false }
        index += text.count
        return true
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
