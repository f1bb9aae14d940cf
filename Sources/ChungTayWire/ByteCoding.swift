/// Big-endian integer and length-prefixed string coding for frame bodies.
///
/// Every read is bounds-checked and reports a `WireError` instead of trapping, because
/// frames come from untrusted peers and a short frame must never crash the dispatcher.
struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0
    private let context: String

    init(_ bytes: [UInt8], context: String) {
        self.bytes = bytes
        self.context = context
    }

    var isAtEnd: Bool { offset == bytes.count }

    /// `field` names the value in the error only, so it is built only then.
    mutating func readInteger<T: FixedWidthInteger>(_: T.Type, field: @autoclosure () -> String) throws(WireError) -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - offset >= size else {
            throw WireError(.malformed, "\(context): \(field()) needs \(size) bytes, \(bytes.count - offset) left")
        }
        var value: T = 0
        for index in offset..<(offset + size) {
            value = value << 8 | T(bytes[index])
        }
        offset += size
        return value
    }

    mutating func readBytes(count: Int, field: String) throws(WireError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else {
            throw WireError(.malformed, "\(context): \(field) needs \(count) bytes, \(bytes.count - offset) left")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// A UTF-8 string prefixed by its byte length as `Length`.
    mutating func readString<Length: FixedWidthInteger>(lengthAs _: Length.Type, field: String) throws(WireError) -> String {
        let length = Int(try readInteger(Length.self, field: "\(field) length"))
        let slice = try readBytes(count: length, field: field)
        guard let string = slice.withUnsafeBufferPointer(String.init(wireUTF8:)) else {
            throw WireError(.malformed, "\(context): \(field) is not valid UTF-8")
        }
        return string
    }

    func expectEnd() throws(WireError) {
        guard isAtEnd else {
            throw WireError(.malformed, "\(context): \(bytes.count - offset) unexpected trailing bytes")
        }
    }
}

struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 16) {
        bytes.reserveCapacity(capacity)
    }

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        var remaining = value.bigEndian
        withUnsafeBytes(of: &remaining) { bytes.append(contentsOf: $0) }
    }

    mutating func write<Length: FixedWidthInteger>(_ string: String, lengthAs _: Length.Type) {
        let utf8 = Array(string.utf8)
        write(Length(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

extension String {
    /// Decodes a frame that must be UTF-8 text.
    init(frame: [UInt8], field: String) throws(WireError) {
        guard let text = frame.withUnsafeBufferPointer(String.init(wireUTF8:)) else {
            throw WireError(.malformed, "\(field) is not valid UTF-8")
        }
        self = text
    }

    var frame: [UInt8] { Array(utf8) }

    /// The bytes as text when they are valid UTF-8. ASCII, nearly every string on the wire,
    /// skips the generic check: over an array or slice it ran unspecialised (generic metadata
    /// lookups), and a RESULT carries a key per document, so in the 1M batch `String._validate`
    /// was 2.6 % of the dispatcher's samples. The OR of all bytes is branch-free and vectorises.
    init?(wireUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        let isASCII = bytes.reduce(0, |) < 0x80
        guard let text = isASCII ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self) else {
            return nil
        }
        self = text
    }

    /// The text cut to at most `limit` UTF-8 bytes at a scalar boundary.
    func prefix(utf8Bytes limit: Int) -> String {
        guard utf8.count > limit else { return self }
        var end = utf8.index(utf8.startIndex, offsetBy: limit)
        // Back over UTF-8 continuation octets (10xxxxxx) to the start of a scalar.
        while utf8[end] & 0xC0 == 0x80 { end = utf8.index(before: end) }
        return String(self[..<end])
    }
}
