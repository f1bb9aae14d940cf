/// A walk through JSON text that a decoder of one known shape steers itself, reading the
/// values it wants exactly as `JSONReader` reads them and skipping the rest, so that it
/// can fill its own values (a batch item's record fields) without a `JSONValue` tree of
/// the containers around them.
///
/// Meant for text `JSONReader.parseRecordingMembers` has already checked and left unread
/// (a `skipped` member: a canonical array of objects, or object, with no white space), so
/// it takes no white space: anything it does not expect is a `JSONSyntaxError`, on which
/// the caller reads the text the usual way instead. Nesting is counted from where it starts, which
/// the check of the whole member has already bounded.
///
/// Not copyable: it owns the scratch its cursor reads containers with, freed once, when
/// it ends.
package struct JSONScanner: ~Copyable {
    private var cursor: JSONReader.Cursor
    private let end: Int

    /// Valid while the buffer is.
    package init(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
        cursor = JSONReader.Cursor(bytes: UnsafeBufferPointer(rebasing: bytes[..<range.upperBound]))
        cursor.index = range.lowerBound
        end = range.upperBound
    }

    deinit {
        cursor.releaseScratch()
    }

    /// Whether the whole range has been read.
    package var isAtEnd: Bool { cursor.index == end }

    /// The next byte, nil at the end.
    package var next: UInt8? { cursor.index < end ? cursor.bytes[cursor.index] : nil }

    /// Moves past `byte` when it is the next one.
    package mutating func take(_ byte: UInt8) -> Bool {
        guard next == byte else { return false }
        cursor.index += 1
        return true
    }

    /// Moves past `byte`, which must be the next one.
    package mutating func expect(_ byte: UInt8) throws(JSONSyntaxError) {
        guard take(byte) else { throw cursor.error("expected '\(Character(Unicode.Scalar(byte)))'") }
    }

    /// A member's name and the colon after it; the name's number when it is one of `KnownKeys`.
    package mutating func memberName() throws(JSONSyntaxError) -> (key: String, knownKey: Int?) {
        guard next == UInt8(ascii: "\"") else { throw cursor.error("expected a member name") }
        let name = try cursor.parseKey()
        try expect(UInt8(ascii: ":"))
        return name
    }

    /// The value here, as `JSONReader.parse` reads it.
    package mutating func value() throws(JSONSyntaxError) -> JSONValue {
        try cursor.parseValue(depth: 0)
    }

    /// Where the scanner is, to come back to (`rewind`).
    package var position: Int { cursor.index }

    package mutating func rewind(to position: Int) {
        cursor.index = position
    }

    /// The bytes between the quotes of the string here when they are plain ASCII (no
    /// escape, no control character), moving past it: a field a decoder can read from its
    /// bytes without a `String`. Nil, having moved anywhere, otherwise.
    package mutating func plainASCIIString() -> UnsafeBufferPointer<UInt8>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = cursor.index
        guard cursor.scanPlainBytes(), next == UInt8(ascii: "\"") else { return nil }
        let token = UnsafeBufferPointer(rebasing: cursor.bytes[start..<cursor.index])
        cursor.index += 1
        return token
    }

    /// Moves past the value here without reading it.
    package mutating func skipValue() throws(JSONSyntaxError) {
        guard cursor.skipCanonicalValue(depth: 0) else { throw cursor.error("expected a value as JSONWriter writes it") }
    }

    /// Moves past the array here, `element` moving past each of its elements (given the
    /// element's index); the number of elements.
    package mutating func scanArray(_ element: (inout JSONScanner, Int) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) -> Int {
        try expect(UInt8(ascii: "["))
        if take(UInt8(ascii: "]")) { return 0 }
        var count = 0
        repeat {
            try element(&self, count)
            count += 1
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return count
    }
}
