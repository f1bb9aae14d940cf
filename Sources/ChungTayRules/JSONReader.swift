/// A strict RFC 8259 JSON reader producing `JSONValue`.
///
/// Exists because Foundation on Linux is too slow for the throughput target: measured
/// on this project's machine, JSONSerialization decodes about 18,000 household payloads
/// a second and encodes under 1,000 result documents a second, and a Codable round trip
/// manages about 12,000, against a target of 25,000 reviews a second including both.
/// Codable also cannot keep a field whose type is wrong, which record checks must report.
enum JSONReader {
    /// Nesting deeper than this is refused rather than risking the stack.
    static let maximumDepth = 64

    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { buffer -> Result<JSONValue, JSONSyntaxError> in
            var cursor = Cursor(bytes: buffer)
            do throws(JSONSyntaxError) {
                cursor.skipWhitespace()
                let value = try cursor.parseValue(depth: 0)
                cursor.skipWhitespace()
                guard cursor.index == buffer.count else {
                    throw JSONSyntaxError(offset: cursor.index, message: "unexpected data after the JSON value")
                }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func skipWhitespace() {
            while index < bytes.count && UnicodeText.isASCIIWhitespace(bytes[index]) { index += 1 }
        }

        func error(_ message: String) -> JSONSyntaxError {
            JSONSyntaxError(offset: index, message: message)
        }

        mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard index < bytes.count else { throw error("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["):
                return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return try parseNumber()
            default:
                throw error("unexpected character")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
            let length = literal.utf8CodeUnitCount
            guard index + length <= bytes.count else { throw error("unexpected end of input") }
            let expected = UnsafeBufferPointer(start: literal.utf8Start, count: length)
            for offset in 0..<length where bytes[index + offset] != expected[offset] {
                throw error("invalid literal")
            }
            index += length
        }

        mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard depth <= JSONReader.maximumDepth else { throw error("nesting too deep") }
            index += 1
            var members: [JSONObject.Member] = []
            members.reserveCapacity(16)
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(JSONObject(members))
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a member name")
                }
                let (key, knownKey) = try parseKey()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                members.append(JSONObject.Member(key: key, value: value, knownKey: knownKey))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(JSONObject(members))
                } else {
                    throw error("expected ',' or '}'")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard depth <= JSONReader.maximumDepth else { throw error("nesting too deep") }
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                } else {
                    throw error("expected ',' or ']'")
                }
            }
        }

        mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
            let start = index
            while index < bytes.count && Self.isNumberByte(bytes[index]) { index += 1 }
            switch DecimalNumber.parse(UnsafeBufferPointer(rebasing: bytes[start..<index])) {
            case .exact(let number):
                return .number(number)
            case .unrepresentable(let approximation):
                return .unrepresentableNumber(approximation)
            case .malformed:
                index = start
                throw error("invalid number")
            }
        }

        static func isNumberByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
                UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                return true
            default:
                return false
            }
        }

        /// A member name, with its number when it is a known key written without
        /// escapes (then the shared string is used, and nothing is allocated).
        mutating func parseKey() throws(JSONSyntaxError) -> (String, Int?) {
            let start = index + 1
            var end = start
            var hash: UInt32 = 2_166_136_261
            while end < bytes.count {
                let byte = bytes[end]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                hash = (hash ^ UInt32(byte)) &* 16_777_619
                end += 1
            }
            if end < bytes.count && bytes[end] == UInt8(ascii: "\""),
                let known = KnownKeys.index(of: UnsafeBufferPointer(rebasing: bytes[start..<end]), hash: Int(hash))
            {
                index = end + 1
                return (KnownKeys.names[known], known)
            }
            let key = try parseString()
            return (key, KnownKeys.index(of: key))
        }

        /// Parses a string token starting at its opening quote, into NFC. Strings without
        /// escapes (nearly all) are validated and copied in one step.
        mutating func parseString() throws(JSONSyntaxError) -> String {
            index += 1
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let token = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    switch UTF8Validation.classify(token) {
                    case .ascii: return String(decoding: token, as: UTF8.self)
                    case .unicode: return UnicodeText.nfc(String(decoding: token, as: UTF8.self))
                    case .invalid: throw JSONSyntaxError(offset: start, message: "invalid UTF-8 in string")
                    }
                }
                if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
                if byte < 0x20 { throw error("control character in string") }
                index += 1
            }
            throw error("unterminated string")
        }

        private mutating func parseEscapedString(from start: Int) throws(JSONSyntaxError) -> String {
            var utf8: [UInt8] = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return try utf8.withUnsafeBufferPointer { token throws(JSONSyntaxError) in
                        guard UTF8Validation.classify(token) != .invalid else {
                            throw JSONSyntaxError(offset: start, message: "invalid UTF-8 in string")
                        }
                        return UnicodeText.nfc(String(decoding: token, as: UTF8.self))
                    }
                }
                if byte < 0x20 { throw error("control character in string") }
                guard byte == UInt8(ascii: "\\") else {
                    utf8.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { throw error("unterminated string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): utf8.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): utf8.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): utf8.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    utf8.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    index -= 1
                    throw error("invalid escape")
                }
            }
            throw error("unterminated string")
        }

        /// Reads the four hex digits after `\u`, joining a surrogate pair when present.
        private mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
            let first = try parseHexQuad()
            if (0xD800...0xDBFF).contains(first) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw error("unpaired surrogate in \\u escape") }
                index += 2
                let second = try parseHexQuad()
                guard (0xDC00...0xDFFF).contains(second) else { throw error("unpaired surrogate in \\u escape") }
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(first) else { throw error("unpaired surrogate in \\u escape") }
            return scalar
        }

        private mutating func parseHexQuad() throws(JSONSyntaxError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw error("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
    }
}

extension JSONValue {
    /// Parses one strict JSON document (RFC 8259); strings come out in NFC.
    public init(parsing bytes: [UInt8]) throws(JSONSyntaxError) {
        self = try JSONReader.parse(bytes)
    }
}
