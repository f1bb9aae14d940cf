import ChungTayRules

/// Compact JSON for stage payloads. ChungTayRules' `JSONWriter` is internal to that
/// module, so this is a small writer of the same output: members in the order given,
/// control characters escaped (no raw newline ever), numbers as their exact decimals.
package struct PayloadWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    mutating func append(_ other: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: other)
    }

    mutating func byte(_ byte: UInt8) {
        bytes.append(byte)
    }

    mutating func integer(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { string(utf8: $0, undoublingQuotes: false) }
    }

    /// A JSON string of valid UTF-8; `undoublingQuotes` reads `""` as one quote (the
    /// inside of a quoted CSV cell).
    mutating func string(utf8: UnsafeBufferPointer<UInt8>, undoublingQuotes: Bool) {
        bytes.append(UInt8(ascii: "\""))
        var start = 0
        var index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
            escape(byte)
            index += undoublingQuotes && byte == UInt8(ascii: "\"") ? 2 : 1
            start = index
        }
        if start < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<count])) }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        default:
            let hex: StaticString = "0123456789abcdef"
            raw("\\u00")
            bytes.append(hex.utf8Start[Int(byte >> 4)])
            bytes.append(hex.utf8Start[Int(byte & 0x0F)])
        }
    }

    mutating func value(_ value: JSONValue) {
        switch value {
        case .null:
            raw("null")
        case .bool(let flag):
            if flag { raw("true") } else { raw("false") }
        case .number(let number):
            bytes.append(contentsOf: number.description.utf8)
        case .unrepresentableNumber(let approximation):
            bytes.append(contentsOf: JSONWriter.spelling(ofUnrepresentable: approximation).utf8)
        case .string(let text):
            string(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            self.object(object)
        }
    }

    mutating func object(_ object: JSONObject) {
        bytes.append(UInt8(ascii: "{"))
        for (position, member) in object.members.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            string(member.key)
            bytes.append(UInt8(ascii: ":"))
            value(member.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// The end of a docs/BATCH.md item after its record: `,"listFlags":[…]` when there
    /// are flags, `,"inputError":{…}` when there is an error, and the closing brace.
    mutating func itemEnd(listFlags: [String], error: InputError?) {
        if !listFlags.isEmpty {
            raw(",\"listFlags\":[")
            for (position, flag) in listFlags.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                string(flag)
            }
            raw("]")
        }
        if let error {
            raw(",\"inputError\":{\"column\":")
            integer(error.column)
            if let field = error.field {
                raw(",\"field\":")
                string(field)
            }
            raw(",\"message\":")
            string(error.message)
            raw("}")
        }
        raw("}")
    }

    /// One docs/BATCH.md item: `{"file","line","record",("listFlags"),("inputError")}`.
    mutating func item(_ record: InputRecord, listFlags: [String]) {
        raw("{\"file\":")
        string(record.file)
        raw(",\"line\":")
        integer(record.line)
        raw(",\"record\":")
        object(record.record)
        itemEnd(listFlags: listFlags, error: record.inputError)
    }
}
