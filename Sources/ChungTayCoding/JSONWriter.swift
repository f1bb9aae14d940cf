import Foundation

/// Writes compact one-line JSON straight into a byte buffer (see `JSONReader` for why
/// not Foundation). Keys are written in the order the caller writes them, so result
/// documents keep SCHEMA.md's field order; control characters are escaped, so the
/// output never holds a raw newline. The one JSON writer and string escaper of the
/// project: result documents, batch stage payloads, spliced wire fields.
///
/// The bytes go to a `ByteBuffer`, not an array: array appends, each checking
/// uniqueness and capacity, were most of the cost of encoding a review. The members
/// called per field are inlinable, so that the rules' encoders, in other modules, keep
/// them inlined.
public struct JSONWriter: ~Copyable {
    @usableFromInline var buffer: ByteBuffer
    @usableFromInline var needsComma = false

    @inlinable
    public init(capacity: Int = 1024) {
        buffer = ByteBuffer(capacity: capacity)
    }

    /// The number of bytes written so far.
    @inlinable
    public var count: Int { buffer.count }

    /// The bytes written, with room to spare for a batch's `source` member
    /// (`ItemSource.append`) to be added without copying the document again.
    @inlinable
    public consuming func finish() -> [UInt8] {
        buffer.array(extraCapacity: 64)
    }

    /// Appends the bytes written to `bytes`.
    @inlinable
    public consuming func finish(appendingTo bytes: inout [UInt8]) {
        buffer.withBytes { bytes.append(contentsOf: $0) }
    }

    @inlinable @inline(__always)
    mutating func put(_ byte: UInt8) {
        buffer.append(byte)
    }

    @inlinable @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(bytes)
    }

    @inlinable
    mutating func put(_ text: StaticString) {
        buffer.append(text)
    }

    @inlinable
    mutating func separate() {
        if needsComma { put(UInt8(ascii: ",")) }
    }

    @inlinable
    public mutating func openObject() {
        separate()
        put(UInt8(ascii: "{"))
        needsComma = false
    }

    @inlinable
    public mutating func closeObject() {
        put(UInt8(ascii: "}"))
        needsComma = true
    }

    @inlinable
    public mutating func openArray() {
        separate()
        put(UInt8(ascii: "["))
        needsComma = false
    }

    @inlinable
    public mutating func closeArray() {
        put(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A key written in the caller's source, which must not need escaping.
    @inlinable
    public mutating func key(_ name: StaticString) {
        let length = name.utf8CodeUnitCount
        buffer.reserve(length + 4)
        if needsComma { buffer.append(UInt8(ascii: ",")) }
        let start = buffer.base + buffer.count
        start[0] = UInt8(ascii: "\"")
        (start + 1).update(from: name.utf8Start, count: length)
        start[1 + length] = UInt8(ascii: "\"")
        start[2 + length] = UInt8(ascii: ":")
        buffer.advance(by: length + 3)
        needsComma = false
    }

    @inlinable
    public mutating func dynamicKey(_ name: String) {
        separate()
        putQuoted(name)
        put(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A key already written as a JSON string (`appendQuoted`), copied as it is: for
    /// names written again for every record, such as a CSV file's header.
    @inlinable
    public mutating func encodedKey(_ quoted: [UInt8]) {
        separate()
        quoted.withUnsafeBufferPointer { put($0) }
        put(UInt8(ascii: ":"))
        needsComma = false
    }

    @inlinable
    public mutating func null() {
        separate()
        put("null")
        needsComma = true
    }

    @inlinable
    public mutating func string(_ value: String?) {
        guard let value else { return null() }
        separate()
        putQuoted(value)
        needsComma = true
    }

    /// A string given as its UTF-8 bytes, which must be valid.
    @inlinable
    public mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        separate()
        putQuoted(utf8: utf8)
        needsComma = true
    }

    @inlinable
    public mutating func integer(_ value: Int?) {
        guard let value else { return null() }
        separate()
        putDigits(value)
        needsComma = true
    }

    @inlinable
    public mutating func decimal(_ value: DecimalNumber?) {
        guard let value else { return null() }
        separate()
        if value.scale == 0 {
            // What `description` spells for a whole number, without making the string.
            putDigits(value.units)
        } else {
            var text = value.description
            text.withUTF8 { put($0) }
        }
        needsComma = true
    }

    @inlinable
    public mutating func bool(_ value: Bool?) {
        guard let value else { return null() }
        separate()
        put(value ? "true" : "false")
        needsComma = true
    }

    @inlinable
    public mutating func strings(_ values: [String]) {
        openArray()
        for value in values { string(value) }
        closeArray()
    }

    /// A value already written as JSON by this writer's rules, copied as it is.
    @inlinable
    public mutating func raw(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBufferPointer { raw($0) }
    }

    /// A value already written as JSON by this writer's rules, copied as it is.
    @inlinable
    public mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        separate()
        put(bytes)
        needsComma = true
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null:
            null()
        case .bool(let flag):
            bool(flag)
        case .number(let number):
            decimal(number)
        case .unrepresentableNumber(let approximation):
            separate()
            var text = Self.spelling(ofUnrepresentable: approximation)
            text.withUTF8 { put($0) }
            needsComma = true
        case .string(let text):
            string(text)
        case .array(let elements):
            openArray()
            for element in elements { self.value(element) }
            closeArray()
        case .object(let object):
            openObject()
            for member in object.members {
                dynamicKey(member.key)
                self.value(member.value)
            }
            closeObject()
        }
    }

    /// How a number the reader could not hold exactly (`JSONValue.unrepresentableNumber`)
    /// is written so that it reads back as the same unrepresentable number: its
    /// approximation to 25 significant digits, more than a `DecimalNumber` holds. The
    /// shortest spelling of the approximation read back as an exact, different number
    /// (`1e-400` as `0.0`, a 19-digit fraction as its 17-digit rounding), so a batch stage
    /// handed a payload on with other values than it was given. Beyond Double's range
    /// the approximation is infinite and underflow gives zero, which are written
    /// `1e999` and `1e-999`.
    public static func spelling(ofUnrepresentable approximation: Double) -> String {
        let sign = approximation.sign == .minus ? "-" : ""
        if approximation.isInfinite { return sign + "1e999" }
        if approximation == 0 || approximation.isNaN { return sign + "1e-999" }
        return String(format: "%.24e", approximation)
    }

    @inlinable
    mutating func putDigits(_ value: Int) {
        buffer.reserve(21)
        if value < 0 { put(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 0
        var probe = magnitude
        repeat {
            digits += 1
            probe /= 10
        } while probe > 0
        var position = buffer.base + buffer.count + digits - 1
        repeat {
            position.pointee = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
        buffer.advance(by: digits)
    }

    @inlinable
    mutating func putQuoted(_ text: String) {
        var text = text
        text.withUTF8 { putQuoted(utf8: $0) }
    }

    /// The one JSON string escaper: `\"`, `\\`, `\n`, `\r`, `\t` and `\u00xx` (lower case)
    /// for the other control characters; everything else as it is.
    @usableFromInline
    mutating func putQuoted(utf8: UnsafeBufferPointer<UInt8>) {
        let length = utf8.count
        // The quotes and the text as it is; escapes reserve their own extra room.
        buffer.reserve(length + 2)
        let destination = buffer.base + buffer.count
        if let source = utf8.baseAddress, !Self.copyUnlessEscaping(source, length, to: destination + 1) {
            put(UInt8(ascii: "\""))
            var start = 0
            for index in 0..<length {
                let byte = source[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                put(UnsafeBufferPointer(rebasing: utf8[start..<index]))
                putEscaped(byte)
                start = index + 1
            }
            put(UnsafeBufferPointer(rebasing: utf8[start...]))
            put(UInt8(ascii: "\""))
        } else {
            destination[0] = UInt8(ascii: "\"")
            destination[length + 1] = UInt8(ascii: "\"")
            buffer.advance(by: length + 2)
        }
    }

    /// Copies the `length` bytes to `destination` and says true when none needs an
    /// escape; false, with part of them copied, at the first that does. One pass, eight
    /// bytes at a time (the last eight overlapping; text of four to seven bytes as its
    /// first and last four), shorter text byte by byte. Checking first and copying after
    /// (with `memmove`) was two passes and a call per string: `putQuoted` took 4.8 % of
    /// the batch floor's samples that way. `destination` must have room for `length`
    /// bytes: `putQuoted` reserves it and takes the bytes in only when this says true.
    @usableFromInline
    static func copyUnlessEscaping(
        _ source: UnsafePointer<UInt8>, _ length: Int, to destination: UnsafeMutablePointer<UInt8>
    ) -> Bool {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(destination)
        if length >= 4 && length < 8 {
            // The first four bytes and the last four (overlapping), looked at as one word.
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
            if mayNeedEscape(UInt64(head) | UInt64(tail) << 32) { return false }
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: length - 4, as: UInt32.self)
            return true
        }
        guard length >= 8 else {
            for index in 0..<length {
                let byte = source[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
                destination[index] = byte
            }
            return true
        }
        var index = 0
        while true {
            // The last word overlaps the one before it; its bytes are the same either way.
            let offset = min(index, length - 8)
            let word = ByteWord.load(from, at: offset)
            if mayNeedEscape(word) { return false }
            to.storeBytes(of: word, toByteOffset: offset, as: UInt64.self)
            index += 8
            if index >= length { return true }
        }
    }

    /// Appends `text` as a JSON string to `bytes`, escaped as `string` escapes it: for
    /// fields spliced into documents written by hand.
    public static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            if let source = utf8.baseAddress, needsEscaping(source, utf8.count) {
                var writer = JSONWriter(capacity: utf8.count + 16)
                writer.putQuoted(utf8: utf8)
                writer.finish(appendingTo: &bytes)
            } else {
                bytes.append(UInt8(ascii: "\""))
                bytes.append(contentsOf: utf8)
                bytes.append(UInt8(ascii: "\""))
            }
        }
    }

    /// `text` as a JSON string.
    public static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether any of the `length` bytes is below 0x20, a quote or a backslash, looked at
    /// eight at a time (the last eight overlapping, short text padded with spaces).
    private static func needsEscaping(_ source: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let raw = UnsafeRawPointer(source)
        guard length >= 8 else {
            var word: UInt64 = 0x2020_2020_2020_2020
            withUnsafeMutableBytes(of: &word) { $0.baseAddress!.copyMemory(from: raw, byteCount: length) }
            return mayNeedEscape(word)
        }
        var index = 0
        while index + 8 <= length {
            if mayNeedEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return true }
            index += 8
        }
        return index < length && mayNeedEscape(raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self))
    }

    /// Whether any of the eight bytes is below 0x20, a quote or a backslash.
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        ByteWord.jsonStringSpecials(word) != 0
    }

    @usableFromInline
    mutating func putEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): put("\\\"")
        case UInt8(ascii: "\\"): put("\\\\")
        case 0x0A: put("\\n")
        case 0x0D: put("\\r")
        case 0x09: put("\\t")
        default:
            let hex: StaticString = "0123456789abcdef"
            put("\\u00")
            put(hex.utf8Start[Int(byte >> 4)])
            put(hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}
