/// A strict RFC 8259 JSON reader producing `JSONValue`.
///
/// Exists because Foundation on Linux is too slow for the throughput target: measured
/// on this project's machine, JSONSerialization decodes about 18,000 household payloads
/// a second and encodes under 1,000 result documents a second, and a Codable round trip
/// manages about 12,000, against a target of 25,000 reviews a second including both.
/// Codable also cannot keep a field whose type is wrong, which record checks must report.
public enum JSONReader {
    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maximumDepth = 64

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try parse(bytes, recordingMembers: nil).value
    }

    /// Where a member of the top-level object was in the bytes read, and whether its value
    /// is spelled exactly as `JSONWriter.value` writes what was read from it: then those
    /// bytes can be handed on as they are instead of being written again. Only the members
    /// the caller hands on are checked; the others are never canonical.
    public struct RawMember: Sendable {
        public let range: Range<Int>
        public let canonical: Bool
        /// The member name's number among `KnownKeys`.
        public let knownKey: Int?
        /// The value was checked but not read (see `parseRecordingMembers`): it is a
        /// canonical array of objects or object, and the object read leaves the member out.
        public let skipped: Bool
    }

    /// As `parse`, also giving one `RawMember` per member of the top-level object (none
    /// when the document is not an object); `handedOn` are the numbers (`KnownKeys`) of
    /// the members whose spelling is checked.
    ///
    /// A member in `skipping` whose value is an array of objects, or an object, spelled as
    /// `JSONWriter` writes it, with no escapes and text provably NFC, is only checked, not
    /// read into values: a batch stage that hands a list on, or reads its items (or a
    /// table of them) straight into records (`JSONScanner`), then spends no allocations on
    /// a tree of it. It is left out of the
    /// object returned (its `RawMember` says `skipped`, and `canonical` when it is also in
    /// `handedOn`). Any other spelling is read as usual, so errors and values are as `parse` gives.
    public static func parseRecordingMembers(
        _ bytes: [UInt8], checking handedOn: Set<Int>, skipping: Set<Int> = []
    ) throws(JSONSyntaxError) -> (value: JSONValue, members: [RawMember]) {
        try parse(bytes, recordingMembers: handedOn, skipping: skipping)
    }

    private static func parse(
        _ bytes: [UInt8], recordingMembers handedOn: Set<Int>?, skipping: Set<Int> = []
    ) throws(JSONSyntaxError) -> (value: JSONValue, members: [RawMember]) {
        let result = bytes.withUnsafeBufferPointer { buffer -> Result<(JSONValue, [RawMember]), JSONSyntaxError> in
            var cursor = Cursor(bytes: buffer)
            if let handedOn {
                cursor.recordingMembers = true
                cursor.handedOn = handedOn
                cursor.skipping = skipping
            }
            defer { cursor.releaseScratch() }
            do throws(JSONSyntaxError) {
                cursor.skipWhitespace()
                let value = try cursor.parseValue(depth: 0)
                cursor.skipWhitespace()
                guard cursor.index == buffer.count else {
                    throw JSONSyntaxError(offset: cursor.index, message: "unexpected data after the JSON value")
                }
                return .success((value, cursor.rawMembers))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Also what `JSONScanner` steers, so that a value it reads is exactly what `parse` reads.
    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// The members of the objects being read, innermost last, and likewise the
        /// elements of the arrays: a finished object or array moves its own into an array
        /// of exactly their number, so there is one allocation per object and no growing,
        /// copying or retaining on the way.
        private var members: ScratchStack<JSONObject.Member>
        private var elements: ScratchStack<JSONValue>
        /// Whether to fill `rawMembers` for the top-level object.
        var recordingMembers = false
        var rawMembers: [RawMember] = []
        /// The top-level members whose spelling is checked, by key number.
        var handedOn: Set<Int> = []
        /// The top-level members left unread when they are canonical arrays of objects, or objects.
        var skipping: Set<Int> = []
        /// Whether the value being read is one of a top-level member in `handedOn`, whose
        /// spelling is checked.
        private var tracking = false
        /// Cleared by anything read that `JSONWriter` would spell differently: white space,
        /// an escape it would not write, text that is not NFC, a number not in its shortest
        /// form. Meaningful only while `tracking`.
        private var canonical = true

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            members = ScratchStack()
            elements = ScratchStack()
        }

        /// Frees the scratch stacks, with whatever an error left on them.
        func releaseScratch() {
            members.release()
            elements.release()
        }

        mutating func skipWhitespace() {
            guard index < bytes.count && UnicodeText.isASCIIWhitespace(bytes[index]) else { return }
            canonical = false
            repeat { index += 1 } while index < bytes.count && UnicodeText.isASCIIWhitespace(bytes[index])
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
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(JSONObject([]))
            }
            let base = members.count
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
                if recordingMembers && depth == 1 {
                    let start = index
                    if let knownKey, skipping.contains(knownKey), skipCanonicalList(depth: depth) {
                        rawMembers.append(
                            RawMember(range: start..<index, canonical: handedOn.contains(knownKey), knownKey: knownKey, skipped: true))
                    } else {
                        index = start
                        tracking = knownKey.map(handedOn.contains) ?? false
                        canonical = true
                        let value = try parseValue(depth: depth)
                        rawMembers.append(
                            RawMember(range: start..<index, canonical: tracking && canonical, knownKey: knownKey, skipped: false))
                        tracking = false
                        members.push(JSONObject.Member(key: key, value: value, knownKey: knownKey))
                    }
                } else {
                    let value = try parseValue(depth: depth)
                    members.push(JSONObject.Member(key: key, value: value, knownKey: knownKey))
                }
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(JSONObject(members.pop(from: base)))
                } else {
                    throw error("expected ',' or '}'")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard depth <= JSONReader.maximumDepth else { throw error("nesting too deep") }
            index += 1
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array([])
            }
            let base = elements.count
            while true {
                skipWhitespace()
                let element = try parseValue(depth: depth)
                elements.push(element)
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements.pop(from: base))
                } else {
                    throw error("expected ',' or ']'")
                }
            }
        }

        mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
            let start = index
            while index < bytes.count && DecimalNumber.isNumberByte(bytes[index]) { index += 1 }
            let token = UnsafeBufferPointer(rebasing: bytes[start..<index])
            switch DecimalNumber.parse(token) {
            case .exact(let number):
                if tracking && canonical { canonical = Self.isShortestSpelling(token, of: number) }
                return .number(number)
            case .unrepresentable(let approximation):
                canonical = false
                return .unrepresentableNumber(approximation)
            case .malformed:
                index = start
                throw error("invalid number")
            }
        }

        /// Moves past an array of objects, or an object, spelled exactly as `JSONWriter`
        /// writes it — no white space, no escapes, text provably NFC, numbers in their
        /// shortest form — building nothing. False, with `index` anywhere, for any other
        /// spelling and for a syntax error: the caller then reads the value as usual, which
        /// reports it.
        mutating func skipCanonicalList(depth: Int) -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "["): return skipCanonicalArray(depth: depth, onlyObjects: true)
            case UInt8(ascii: "{"): return skipCanonicalValue(depth: depth)
            default: return false
            }
        }

        /// Moves past the canonical array at `index` (its `[`) at nesting `depth`; with
        /// `onlyObjects`, false at an element that is not an object.
        private mutating func skipCanonicalArray(depth: Int, onlyObjects: Bool) -> Bool {
            guard depth + 1 <= JSONReader.maximumDepth else { return false }
            index += 1
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                index += 1
                return true
            }
            while true {
                guard index < bytes.count, !onlyObjects || bytes[index] == UInt8(ascii: "{"), skipCanonicalValue(depth: depth + 1),
                    index < bytes.count
                else { return false }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return true
                } else {
                    return false
                }
            }
        }

        /// As `skipCanonicalList`, for any value at nesting `depth` (as `parseValue`'s).
        mutating func skipCanonicalValue(depth: Int) -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard depth + 1 <= JSONReader.maximumDepth else { return false }
                index += 1
                if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return true
                }
                while true {
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), skipCanonicalString(),
                        index < bytes.count, bytes[index] == UInt8(ascii: ":")
                    else { return false }
                    index += 1
                    guard skipCanonicalValue(depth: depth + 1), index < bytes.count else { return false }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                    } else if bytes[index] == UInt8(ascii: "}") {
                        index += 1
                        return true
                    } else {
                        return false
                    }
                }
            case UInt8(ascii: "["):
                return skipCanonicalArray(depth: depth, onlyObjects: false)
            case UInt8(ascii: "\""):
                return skipCanonicalString()
            case UInt8(ascii: "t"):
                return skipLiteral("true")
            case UInt8(ascii: "f"):
                return skipLiteral("false")
            case UInt8(ascii: "n"):
                return skipLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while index < bytes.count && DecimalNumber.isNumberByte(bytes[index]) { index += 1 }
                let token = UnsafeBufferPointer(rebasing: bytes[start..<index])
                guard case .exact(let number) = DecimalNumber.parse(token) else { return false }
                return Self.isShortestSpelling(token, of: number)
            default:
                return false
            }
        }

        private mutating func skipLiteral(_ literal: StaticString) -> Bool {
            let length = literal.utf8CodeUnitCount
            guard index + length <= bytes.count,
                UnsafeBufferPointer(start: literal.utf8Start, count: length).elementsEqual(
                    UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
            else { return false }
            index += length
            return true
        }

        /// A string token with no escapes, valid UTF-8 and provably NFC: what `parseString`
        /// reads and `JSONWriter` writes back as these bytes.
        private mutating func skipCanonicalString() -> Bool {
            index += 1
            let start = index
            let ascii = scanPlainBytes()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
            let token = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            return ascii || (UTF8Validation.classify(token) != .invalid && UnicodeText.isProvablyNFC(token))
        }

        /// Whether `JSONWriter` writes `number` as `token`: a whole number as its digits
        /// (so not `-0`), any other as `DecimalNumber.description`.
        static func isShortestSpelling(_ token: UnsafeBufferPointer<UInt8>, of number: DecimalNumber) -> Bool {
            var plainInteger = true
            for byte in token where !(byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) && byte != UInt8(ascii: "-") {
                plainInteger = false
                break
            }
            if plainInteger { return !(token.count == 2 && token[0] == UInt8(ascii: "-") && token[1] == UInt8(ascii: "0")) }
            var spelling = number.description
            return spelling.withUTF8 { $0.elementsEqual(token) }
        }

        /// A member name, with its number when it is a known key written without
        /// escapes (then the shared string is used, and nothing is allocated).
        mutating func parseKey() throws(JSONSyntaxError) -> (String, Int?) {
            let start = index + 1
            var end = start
            let count = bytes.count
            let base = bytes.baseAddress!
            while end < count {
                if end + 8 <= count {
                    let flags = ByteWord.quotesOrBackslashes(ByteWord.load(base, at: end))
                    if flags == 0 {
                        end += 8
                        continue
                    }
                    end += flags.trailingZeroBitCount >> 3
                    break
                }
                let byte = base[end]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                end += 1
            }
            if end < bytes.count && bytes[end] == UInt8(ascii: "\""),
                let known = KnownKeys.index(of: UnsafeBufferPointer(rebasing: bytes[start..<end]))
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
            let ascii = scanPlainBytes()
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let token = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                switch ascii ? .ascii : UTF8Validation.classify(token) {
                case .ascii: return String(decoding: token, as: UTF8.self)
                case .unicode:
                    let text = UnicodeText.nfc(String(decoding: token, as: UTF8.self))
                    if tracking && canonical && !UnicodeText.isProvablyNFC(token) {
                        canonical = Self.hasBytes(text, token)
                    }
                    return text
                case .invalid: throw JSONSyntaxError(offset: start, message: "invalid UTF-8 in string")
                }
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            throw error("control character in string")
        }

        /// Moves `index` over a string token's plain bytes to the first that needs a look (a
        /// quote, a backslash or a control character) or to the end, eight bytes at a time (a
        /// byte above 0x7F stops a word too, until the first one is seen); says whether the
        /// bytes passed were all ASCII. The one scan of `parseString` and `skipCanonicalString`,
        /// so both end a string at the same byte.
        @inline(__always)
        mutating func scanPlainBytes() -> Bool {
            var ascii = true
            let count = bytes.count
            let base = bytes.baseAddress!
            while index < count {
                // The lowest flagged byte of the has-zero tricks is exact.
                if index + 8 <= count {
                    let word = ByteWord.load(base, at: index)
                    let flags = ByteWord.jsonStringSpecials(word) | (ascii ? word & ByteWord.highBits : 0)
                    if flags == 0 {
                        index += 8
                        continue
                    }
                    index += flags.trailingZeroBitCount >> 3
                }
                let byte = base[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return ascii }
                if byte >= 0x80 { ascii = false }
                index += 1
            }
            return ascii
        }

        /// Whether the text's UTF-8 is exactly these bytes.
        static func hasBytes(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var text = text
            return text.withUTF8 { $0.elementsEqual(bytes) }
        }

        private mutating func parseEscapedString(from start: Int) throws(JSONSyntaxError) -> String {
            var utf8: [UInt8] = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    let tracking = tracking && canonical
                    let (text, unchanged) = try utf8.withUnsafeBufferPointer { token throws(JSONSyntaxError) -> (String, Bool) in
                        guard UTF8Validation.classify(token) != .invalid else {
                            throw JSONSyntaxError(offset: start, message: "invalid UTF-8 in string")
                        }
                        let text = UnicodeText.nfc(String(decoding: token, as: UTF8.self))
                        return (text, !tracking || UnicodeText.isProvablyNFC(token) || Self.hasBytes(text, token))
                    }
                    if !unchanged { canonical = false }
                    return text
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
                // JSONWriter writes `\"`, `\\`, `\n`, `\r`, `\t` and `\u00xx` (lower case) for the
                // other control characters, and nothing else escaped.
                switch escape {
                case UInt8(ascii: "\""): utf8.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): utf8.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"):
                    utf8.append(UInt8(ascii: "/"))
                    canonical = false
                case UInt8(ascii: "b"):
                    utf8.append(0x08)
                    canonical = false
                case UInt8(ascii: "f"):
                    utf8.append(0x0C)
                    canonical = false
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    let escapeStart = index
                    let scalar = try parseUnicodeEscape()
                    if canonical && !Self.isWriterEscape(UnsafeBufferPointer(rebasing: bytes[escapeStart..<index]), scalar) {
                        canonical = false
                    }
                    utf8.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    index -= 1
                    throw error("invalid escape")
                }
            }
            throw error("unterminated string")
        }

        /// Whether `JSONWriter` escapes `scalar` as these hex digits (after the `\u`):
        /// a control character other than tab, line feed and carriage return, as `00xx`
        /// in lower case.
        static func isWriterEscape(_ hex: UnsafeBufferPointer<UInt8>, _ scalar: Unicode.Scalar) -> Bool {
            guard hex.count == 4, scalar.value < 0x20, scalar.value != 0x09, scalar.value != 0x0A, scalar.value != 0x0D
            else { return false }
            let digits: [UInt8] = Array("0123456789abcdef".utf8)
            return hex[0] == UInt8(ascii: "0") && hex[1] == UInt8(ascii: "0") && hex[2] == digits[Int(scalar.value >> 4)]
                && hex[3] == digits[Int(scalar.value & 0x0F)]
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

/// A stack of values in memory managed by hand, for the reader's unfinished objects and
/// arrays. Not copyable in spirit: the reader's cursor owns one of each and releases them.
/// Allocated at the first push, so that a cursor reading only scalars (`JSONScanner`'s
/// record fields) allocates nothing.
private struct ScratchStack<Element> {
    private var base: UnsafeMutablePointer<Element>?
    private var capacity = 0
    private(set) var count = 0

    mutating func push(_ element: consuming Element) {
        if count == capacity {
            let grownCapacity = max(64, capacity * 2)
            let grown = UnsafeMutablePointer<Element>.allocate(capacity: grownCapacity)
            if let base {
                grown.moveInitialize(from: base, count: count)
                base.deallocate()
            }
            base = grown
            capacity = grownCapacity
        }
        (base! + count).initialize(to: element)
        count += 1
    }

    /// The elements from position `start` on, moved out into an array of their own.
    mutating func pop(from start: Int) -> [Element] {
        let taken = count - start
        guard taken > 0, let base else { return [] }
        let source = base + start
        count = start
        return [Element](unsafeUninitializedCapacity: taken) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: source, count: taken)
            initialized = taken
        }
    }

    func release() {
        guard let base else { return }
        base.deinitialize(count: count)
        base.deallocate()
    }
}

extension JSONValue {
    /// Parses one strict JSON document (RFC 8259); strings come out in NFC.
    public init(parsing bytes: [UInt8]) throws(JSONSyntaxError) {
        self = try JSONReader.parse(bytes)
    }
}
