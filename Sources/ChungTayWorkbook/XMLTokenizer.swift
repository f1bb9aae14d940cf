import Foundation

/// What `XMLTokenizer.next()` found.
package enum XMLEvent: Sendable, Equatable {
    /// A start tag: `localName` and `attribute(_:)` describe it. An empty-element tag
    /// (`<c/>`) comes as `start` followed by `end`.
    case start
    /// An end tag (`localName` is the element's).
    case end
    /// Character data inside the root element (`text()` decodes it); CDATA sections too.
    case text
    case endOfDocument
}

/// A pull tokenizer for the XML of workbook parts, over a `ByteSource` through a window
/// that grows only up to `maximumXMLTokenBytes`, so a part of any size is tokenized in
/// bounded memory.
///
/// What it takes: UTF-8 (a BOM is skipped), start/end/empty tags with attributes, text
/// with the five predefined entities and character references, CDATA sections. Comments
/// and processing instructions (the XML declaration among them) are skipped. A DOCTYPE is
/// refused: workbook parts never have one, and internal entities are how XML bombs
/// expand. Namespace prefixes are dropped from element and attribute names (OOXML's
/// schemas never give one local name two meanings where this reader looks). Nesting depth,
/// name lengths and attribute counts are bounded, and end tags must match their start tags.
///
/// Names, attribute values and text handed out point into the window or a scratch
/// buffer and are valid until the next call to `next`, `attribute` or `text`.
package final class XMLTokenizer {
    private let source: any ByteSource
    private let limits: WorkbookLimits
    private var window: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// `window[start..<end]` are bytes not yet tokenized; `window[0]` is byte `base` of the part.
    private var start = 0
    private var end = 0
    private var base = 0
    private var sourceEnded = false
    private var atDocumentStart = true
    /// The current token's local name (`window[nameStart..<nameEnd]`).
    private var nameStart = 0
    private var nameEnd = 0
    private var textStart = 0
    private var textEnd = 0
    private var textIsCDATA = false
    /// The current start tag's attributes: start and end of the local name and of the
    /// value in the window, four offsets each.
    private let attributeSlots: UnsafeMutablePointer<Int>
    private var attributeCount = 0
    private var pendingEnd = false
    /// Qualified names of the open elements, end to end, and each one's length.
    private let openNames: UnsafeMutablePointer<UInt8>
    private let openLengths: UnsafeMutablePointer<Int>
    private var openCount = 0
    private var openNamesEnd = 0
    private var rootClosed = false
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    package init(source: any ByteSource, limits: WorkbookLimits = WorkbookLimits()) {
        self.source = source
        self.limits = limits
        capacity = min(64 << 10, max(limits.maximumXMLTokenBytes, 64))
        window = .allocate(capacity: capacity)
        scratchCapacity = 256
        scratch = .allocate(capacity: scratchCapacity)
        attributeSlots = .allocate(capacity: 4 * max(limits.maximumXMLAttributes, 1))
        openNames = .allocate(capacity: max(limits.maximumXMLDepth, 1) * max(limits.maximumXMLNameBytes, 1))
        openLengths = .allocate(capacity: max(limits.maximumXMLDepth, 1))
    }

    deinit {
        window.deallocate()
        scratch.deallocate()
        attributeSlots.deallocate()
        openNames.deallocate()
        openLengths.deallocate()
    }

    package var partName: String { source.partName }

    /// Open elements; 0 outside the root element.
    package var depth: Int { openCount }

    /// Byte offset in the part of the next byte to tokenize, for messages.
    package var offset: Int { base + start }

    package var localName: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: window + nameStart, count: nameEnd - nameStart)
    }

    package func isNamed(_ name: StaticString) -> Bool {
        Self.equal(localName, name)
    }

    package func malformed(_ reason: String) -> WorkbookError {
        .malformedXML(part: partName, offset: offset, reason: reason)
    }

    package func next() throws(WorkbookError) -> XMLEvent {
        if pendingEnd {
            pendingEnd = false
            attributeCount = 0
            try closeElement(qualifiedStart: nil, count: 0)
            return .end
        }
        while true {
            if start == end {
                if sourceEnded { return try endOfDocument() }
                try refill()
                continue
            }
            switch try scanToken() {
            case .event(.text) where openCount == 0:
                // Only whitespace may stand outside the root element.
                guard (textStart..<textEnd).allSatisfy({ Self.isWhitespace(window[$0]) }) else {
                    throw malformed("text outside the root element")
                }
            case .event(let event):
                return event
            case .skipped:
                break
            case .needMore:
                guard !sourceEnded else { throw malformed("the part ends inside markup") }
                try refill()
            }
        }
    }

    /// Consumes events up to and including the end tag of the element whose start tag was
    /// the last event.
    package func skipElement() throws(WorkbookError) {
        let target = depth - 1
        while depth > target {
            if try next() == .endOfDocument { throw malformed("the part ends inside an element") }
        }
    }

    /// The decoded value of the current start tag's attribute with this local name.
    package func attribute(_ name: StaticString) throws(WorkbookError) -> UnsafeRawBufferPointer? {
        for index in 0..<attributeCount {
            let slot = attributeSlots + 4 * index
            if Self.equal(buffer(slot[0]..<slot[1]), name) { return try decode(slot[2]..<slot[3]) }
        }
        return nil
    }

    /// The decoded character data of the current text event.
    package func text() throws(WorkbookError) -> UnsafeRawBufferPointer {
        if textIsCDATA { return buffer(textStart..<textEnd) }
        return try decode(textStart..<textEnd)
    }

    // MARK: Scanning

    private func endOfDocument() throws(WorkbookError) -> XMLEvent {
        guard openCount == 0 else { throw malformed("the part ends inside an element") }
        guard rootClosed else { throw malformed("no root element") }
        return .endOfDocument
    }

    private enum Scan {
        case event(XMLEvent)
        /// A comment, processing instruction or byte order mark passed over.
        case skipped
        /// The window ends inside the token.
        case needMore
    }

    /// Tokenizes the token at `start`, moving `start` past it unless more bytes are needed.
    private func scanToken() throws(WorkbookError) -> Scan {
        if atDocumentStart {
            if end - start < 3 && !sourceEnded { return .needMore }
            if end - start >= 3 && window[start] == 0xEF && window[start + 1] == 0xBB && window[start + 2] == 0xBF { start += 3 }
            atDocumentStart = false
            return .skipped
        }
        if window[start] != UInt8(ascii: "<") {
            let found = memchr(window + start, Int32(UInt8(ascii: "<")), end - start)
            let stop = found.map { UnsafeMutablePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - window } ?? end
            if found == nil && !sourceEnded { return .needMore }
            textStart = start
            textEnd = stop
            textIsCDATA = false
            start = stop
            return .event(.text)
        }
        guard end - start >= 2 else { return .needMore }
        switch window[start + 1] {
        case UInt8(ascii: "/"):
            return try scanEndTag()
        case UInt8(ascii: "?"):
            guard let close = find("?>", from: start + 2) else { return .needMore }
            start = close + 2
            return .skipped
        case UInt8(ascii: "!"):
            return try scanMarkupDeclaration()
        default:
            return try scanStartTag()
        }
    }

    private func scanMarkupDeclaration() throws(WorkbookError) -> Scan {
        if hasPrefix("<!--") {
            guard let close = find("-->", from: start + 4) else { return .needMore }
            start = close + 3
            return .skipped
        }
        if hasPrefix("<![CDATA[") {
            guard openCount > 0 else { throw malformed("a CDATA section outside the root element") }
            guard let close = find("]]>", from: start + 9) else { return .needMore }
            textStart = start + 9
            textEnd = close
            textIsCDATA = true
            start = close + 3
            return .event(.text)
        }
        if end - start < 9 && !sourceEnded { return .needMore }
        if hasPrefix("<!DOCTYPE") { throw malformed("a DOCTYPE declaration (workbook parts have none)") }
        throw malformed("unknown markup after '<!'")
    }

    private func scanEndTag() throws(WorkbookError) -> Scan {
        let window = self.window
        let end = self.end
        let qualifiedStart = start + 2
        var index = qualifiedStart
        while index < end && !Self.endsName(window[index]) { index += 1 }
        let qualifiedEnd = index
        while index < end && Self.isWhitespace(window[index]) { index += 1 }
        guard index < end else { return .needMore }
        guard window[index] == UInt8(ascii: ">") else { throw malformed("an end tag without '>'") }
        try setName(qualifiedStart, qualifiedEnd)
        attributeCount = 0
        try closeElement(qualifiedStart: qualifiedStart, count: qualifiedEnd - qualifiedStart)
        start = index + 1
        return .event(.end)
    }

    private func scanStartTag() throws(WorkbookError) -> Scan {
        let window = self.window
        let end = self.end
        let qualifiedStart = start + 1
        var index = qualifiedStart
        while index < end && !Self.endsName(window[index]) { index += 1 }
        guard index < end else { return .needMore }
        let qualifiedEnd = index
        attributeCount = 0
        var selfClosing = false
        while true {
            let afterValue = index
            while index < end && Self.isWhitespace(window[index]) { index += 1 }
            guard index < end else { return .needMore }
            let byte = window[index]
            if byte == UInt8(ascii: ">") { break }
            if byte == UInt8(ascii: "/") {
                guard index + 1 < end else { return .needMore }
                guard window[index + 1] == UInt8(ascii: ">") else { throw malformed("'/' inside a tag") }
                selfClosing = true
                index += 1
                break
            }
            guard index > afterValue else {
                throw malformed("attributes not separated by whitespace")
            }
            let attributeName = index
            while index < end && !Self.endsName(window[index]) && window[index] != UInt8(ascii: "=") { index += 1 }
            let attributeNameEnd = index
            while index < end && Self.isWhitespace(window[index]) { index += 1 }
            guard index < end else { return .needMore }
            guard attributeNameEnd > attributeName, window[index] == UInt8(ascii: "=") else { throw malformed("an attribute without '='") }
            index += 1
            while index < end && Self.isWhitespace(window[index]) { index += 1 }
            guard index < end else { return .needMore }
            let quote = window[index]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw malformed("an attribute value without quotes") }
            guard let close = memchr(window + index + 1, Int32(quote), end - index - 1) else { return .needMore }
            let valueEnd = UnsafeMutablePointer<UInt8>(close.assumingMemoryBound(to: UInt8.self)) - window
            guard memchr(window + index + 1, Int32(UInt8(ascii: "<")), valueEnd - index - 1) == nil else {
                throw malformed("'<' inside an attribute value")
            }
            guard attributeCount < limits.maximumXMLAttributes else {
                throw .limitExceeded(part: partName, what: "attributes on one element", limit: limits.maximumXMLAttributes)
            }
            guard attributeNameEnd - attributeName <= limits.maximumXMLNameBytes else {
                throw .limitExceeded(part: partName, what: "bytes of one name", limit: limits.maximumXMLNameBytes)
            }
            let local = localPart(attributeName, attributeNameEnd)
            let slot = attributeSlots + 4 * attributeCount
            slot[0] = local.lowerBound
            slot[1] = local.upperBound
            slot[2] = index + 1
            slot[3] = valueEnd
            attributeCount += 1
            index = valueEnd + 1
        }
        guard !rootClosed else { throw malformed("a second root element") }
        try setName(qualifiedStart, qualifiedEnd)
        guard openCount < limits.maximumXMLDepth else {
            throw .limitExceeded(part: partName, what: "element nesting", limit: limits.maximumXMLDepth)
        }
        // setName checked the length against maximumXMLNameBytes: the name fits its slot.
        (openNames + openNamesEnd).update(from: window + qualifiedStart, count: qualifiedEnd - qualifiedStart)
        openNamesEnd += qualifiedEnd - qualifiedStart
        openLengths[openCount] = qualifiedEnd - qualifiedStart
        openCount += 1
        pendingEnd = selfClosing
        start = index + 1
        return .event(.start)
    }

    /// Checks and records the tag's name (the local part after any prefix).
    private func setName(_ qualifiedStart: Int, _ qualifiedEnd: Int) throws(WorkbookError) {
        guard qualifiedEnd > qualifiedStart else { throw malformed("a tag without a name") }
        guard qualifiedEnd - qualifiedStart <= limits.maximumXMLNameBytes else {
            throw .limitExceeded(part: partName, what: "bytes of one name", limit: limits.maximumXMLNameBytes)
        }
        let local = localPart(qualifiedStart, qualifiedEnd)
        guard !local.isEmpty else { throw malformed("a tag without a local name") }
        nameStart = local.lowerBound
        nameEnd = local.upperBound
    }

    /// Pops the innermost open element; `qualifiedStart` names an end tag to compare with it.
    private func closeElement(qualifiedStart: Int?, count: Int) throws(WorkbookError) {
        guard openCount > 0 else { throw malformed("an end tag with no open element") }
        let length = openLengths[openCount - 1]
        if let qualifiedStart {
            guard count == length, memcmp(openNames + (openNamesEnd - length), window + qualifiedStart, length) == 0 else {
                throw malformed("an end tag that does not match its start tag")
            }
        }
        openNamesEnd -= length
        openCount -= 1
        if openCount == 0 { rootClosed = true }
    }

    private func localPart(_ from: Int, _ to: Int) -> Range<Int> {
        var index = to
        while index > from && window[index - 1] != UInt8(ascii: ":") { index -= 1 }
        return index..<to
    }

    private func hasPrefix(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        return end - start >= count && memcmp(window + start, literal.utf8Start, count) == 0
    }

    private func find(_ literal: StaticString, from: Int) -> Int? {
        let count = literal.utf8CodeUnitCount
        let first = Int32(literal.utf8Start.pointee)
        var index = from
        while end - index >= count {
            guard let hit = memchr(window + index, first, end - index - count + 1) else { return nil }
            index = UnsafeMutablePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - window
            if memcmp(window + index, literal.utf8Start, count) == 0 { return index }
            index += 1
        }
        return nil
    }

    /// Keeps the unread bytes, growing the window when one token fills it (up to the
    /// token limit), and reads more.
    private func refill() throws(WorkbookError) {
        let kept = end - start
        if start > 0 {
            if kept > 0 { memmove(window, window + start, kept) }
            base += start
            start = 0
            end = kept
        }
        if end == capacity {
            guard capacity < limits.maximumXMLTokenBytes else {
                throw .limitExceeded(part: partName, what: "bytes of one tag, text or comment", limit: limits.maximumXMLTokenBytes)
            }
            let grown = min(capacity * 2, limits.maximumXMLTokenBytes)
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            larger.update(from: window, count: end)
            window.deallocate()
            window = larger
            capacity = grown
        }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(start: window + end, count: capacity - end))
        if count == 0 { sourceEnded = true }
        end += count
    }

    // MARK: Decoding

    private func buffer(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: window + range.lowerBound, count: range.count)
    }

    /// The bytes with entities and character references replaced and line ends normalised
    /// (CR LF and CR to LF, XML 1.0 §2.11). Decoding never lengthens text.
    private func decode(_ range: Range<Int>) throws(WorkbookError) -> UnsafeRawBufferPointer {
        let raw = buffer(range)
        guard memchr(window + range.lowerBound, Int32(UInt8(ascii: "&")), range.count) != nil
            || memchr(window + range.lowerBound, 0x0D, range.count) != nil
        else { return raw }
        if scratchCapacity < range.count {
            scratch.deallocate()
            scratchCapacity = range.count
            scratch = .allocate(capacity: scratchCapacity)
        }
        var out = 0
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte == 0x0D {
                scratch[out] = 0x0A
                out += 1
                index += index + 1 < raw.count && raw[index + 1] == 0x0A ? 2 : 1
                continue
            }
            guard byte == UInt8(ascii: "&") else {
                scratch[out] = byte
                out += 1
                index += 1
                continue
            }
            var semicolon = index + 1
            while semicolon < raw.count && semicolon - index <= 10 && raw[semicolon] != UInt8(ascii: ";") { semicolon += 1 }
            guard semicolon < raw.count, raw[semicolon] == UInt8(ascii: ";") else { throw malformed("an '&' that starts no entity") }
            let scalar = try entityValue(UnsafeRawBufferPointer(rebasing: raw[(index + 1)..<semicolon]))
            for unit in String(scalar).utf8 {
                scratch[out] = unit
                out += 1
            }
            index = semicolon + 1
        }
        return UnsafeRawBufferPointer(start: scratch, count: out)
    }

    private func entityValue(_ name: UnsafeRawBufferPointer) throws(WorkbookError) -> Unicode.Scalar {
        switch String(decoding: name, as: UTF8.self) {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default: break
        }
        guard name.count >= 2, name[0] == UInt8(ascii: "#") else { throw malformed("an unknown entity") }
        let hex = name[1] == UInt8(ascii: "x")
        let digits = UnsafeRawBufferPointer(rebasing: name[(hex ? 2 : 1)...])
        guard !digits.isEmpty, digits.count <= 8 else { throw malformed("a bad character reference") }
        var value: UInt32 = 0
        for digit in digits {
            guard let number = Self.digitValue(digit, hex: hex) else { throw malformed("a bad character reference") }
            value = value * (hex ? 16 : 10) + number
        }
        // XML 1.0 Char: tab, LF, CR, U+0020…U+D7FF, U+E000…U+FFFD, U+10000…U+10FFFF.
        let allowed = value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
            || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
        guard allowed, let scalar = Unicode.Scalar(value) else { throw malformed("a character reference to a character XML forbids") }
        return scalar
    }

    private static func digitValue(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Bytes that end a name: whitespace, the tag's end, and bytes no name may hold.
    private static func endsName(_ byte: UInt8) -> Bool {
        isWhitespace(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    static func equal(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && (bytes.isEmpty || memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0)
    }
}
