/// An exact decimal number, `units / 10^scale`, as written in JSON or in a CSV cell.
///
/// Money, interest rates and indicator thresholds must compare and multiply exactly
/// (an income one đồng above the line, 8.0 m² per person exactly), so they never pass
/// through binary floating point. `scale` is at most 18 and trailing fractional zeros
/// are removed, so equal values have equal representations (`6.60` == `6.6`).
public struct DecimalNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let units: Int
    public let scale: Int

    // Computed, not stored, so that inlined code in other modules folds it.
    @inlinable static var maximumScale: Int { 18 }

    @inlinable
    public init(_ integer: Int) {
        units = integer
        scale = 0
    }

    /// Returns nil when the value needs more than 18 fractional digits after normalising.
    @inlinable
    public init?(units: Int, scale: Int) {
        var units = units
        var scale = scale
        while scale > 0 && units % 10 == 0 {
            units /= 10
            scale -= 1
        }
        guard scale >= 0 && scale <= Self.maximumScale else { return nil }
        self.units = units
        self.scale = scale
    }

    /// Parses the JSON number grammar (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), surrounding
    /// whitespace allowed, as used for CSV cells that carry numbers as text.
    public init?(parsing text: String) {
        var text = text
        let parsed = text.withUTF8 { bytes -> DecimalNumber? in
            var start = 0
            var end = bytes.count
            while start < end && UnicodeText.isASCIIWhitespace(bytes[start]) { start += 1 }
            while end > start && UnicodeText.isASCIIWhitespace(bytes[end - 1]) { end -= 1 }
            guard case .exact(let number) = Self.parse(UnsafeBufferPointer(rebasing: bytes[start..<end])) else {
                return nil
            }
            return number
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// What a JSON number token turned out to be.
    public enum ParseOutcome {
        case exact(DecimalNumber)
        /// Valid grammar, but beyond 18 significant digits or 18 fractional digits.
        case unrepresentable(Double)
        case malformed
    }

    /// Parses exactly one JSON number occupying the whole buffer.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ParseOutcome {
        var index = 0
        let count = bytes.count
        var negative = false
        if index < count && bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < count, isDigit(bytes[index]) else { return .malformed }
        if bytes[index] == UInt8(ascii: "0") && index + 1 < count && isDigit(bytes[index + 1]) {
            return .malformed
        }
        var units = 0
        var overflow = false
        var fractionDigits = 0
        func accumulate(_ digit: UInt8) {
            let (times10, o1) = units.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            units = sum
        }
        while index < count && isDigit(bytes[index]) {
            accumulate(bytes[index])
            index += 1
        }
        if index < count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < count, isDigit(bytes[index]) else { return .malformed }
            while index < count && isDigit(bytes[index]) {
                accumulate(bytes[index])
                fractionDigits += 1
                index += 1
            }
        }
        var exponent = 0
        if index < count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentNegative = false
            if index < count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < count, isDigit(bytes[index]) else { return .malformed }
            while index < count && isDigit(bytes[index]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        guard index == count else { return .malformed }
        if overflow { return .unrepresentable(approximateValue(bytes)) }
        if negative { units = -units }
        let netExponent = exponent - fractionDigits
        if netExponent >= 0 {
            var scaled = units
            // Any non-zero value overflows within 19 steps, so a huge exponent ends early.
            for _ in 0..<netExponent where scaled != 0 {
                let (next, overflow) = scaled.multipliedReportingOverflow(by: 10)
                if overflow { return .unrepresentable(approximateValue(bytes)) }
                scaled = next
            }
            return .exact(DecimalNumber(scaled))
        }
        guard let number = DecimalNumber(units: units, scale: -netExponent) else {
            return .unrepresentable(approximateValue(bytes))
        }
        return .exact(number)
    }

    /// Whether the byte can be part of a number token (the reader takes the longest run).
    public static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
            UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default:
            return false
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func approximateValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
        Double(String(decoding: bytes, as: UTF8.self)) ?? .nan
    }

    /// The value when it is a whole number.
    @inlinable
    public var integerValue: Int? { scale == 0 ? units : nil }

    @inlinable
    public var isNegative: Bool { units < 0 }

    /// Rounds toward negative infinity: incomes are "rounded down to whole đồng".
    @inlinable
    public var floor: Int {
        let divisor = Self.powerOfTen(scale)
        let quotient = units / divisor
        return units % divisor < 0 ? quotient - 1 : quotient
    }

    @inlinable
    public static func powerOfTen(_ exponent: Int) -> Int {
        var result = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    @inlinable
    public static func powerOfTen128(_ exponent: Int) -> Int128 {
        Int128(powerOfTen(exponent))
    }

    @inlinable
    public static func < (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        Int128(lhs.units) * powerOfTen128(rhs.scale) < Int128(rhs.units) * powerOfTen128(lhs.scale)
    }

    public var description: String {
        guard scale > 0 else { return String(units) }
        let magnitude = String(units.magnitude)
        let padded = String(repeating: "0", count: max(0, scale + 1 - magnitude.count)) + magnitude
        let split = padded.index(padded.endIndex, offsetBy: -scale)
        return (units < 0 ? "-" : "") + padded[..<split] + "." + padded[split...]
    }
}
