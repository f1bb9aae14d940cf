/// Numbers as a workbook stores them (`<v>` text): Excel writes the binary double it holds
/// with up to 17 significant digits (`40.799999999999997` for the 40.8 a person typed) and
/// shows 15, so the decimal meant is the value rounded to 15 significant digits.
enum ExcelNumber {
    /// Excel's precision: the digits it shows and keeps on entry.
    static let significantDigits = 15

    /// `literal` (a JSON-like number, exponent allowed) rounded to 15 significant digits,
    /// written without exponent or trailing fractional zeros: `40.799999999999997` →
    /// `40.8`, `1.23456789012E+11` → `123456789012`, `-0` → `0`. Nil when it is not a number
    /// or its exponent is absurd (a string of zeros would have no bound).
    static func plainDecimal(_ literal: String) -> String? {
        var bytes = Array(literal.utf8)[...]
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        // The value is 0.d1d2d3… × 10^pointPosition.
        var pointPosition = 0
        var seenPoint = false
        var seenDigit = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                seenDigit = true
                if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte - UInt8(ascii: "0")) }
                if !seenPoint && !digits.isEmpty { pointPosition += 1 }
                if seenPoint && digits.isEmpty { pointPosition -= 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            index += 1
        }
        guard seenDigit else { return nil }
        if index < bytes.endIndex {
            // `magnitude`, not `abs`: the literal may say -9223372036854775808, whose `abs` traps.
            guard bytes[index] | 0x20 == UInt8(ascii: "e"), let exponent = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self)),
                exponent.magnitude <= 400
            else { return nil }
            pointPosition += exponent
        }
        if digits.count > significantDigits {
            let roundUp = digits[significantDigits] >= 5
            digits.removeLast(digits.count - significantDigits)
            if roundUp {
                var position = digits.count - 1
                while position >= 0 {
                    if digits[position] < 9 {
                        digits[position] += 1
                        break
                    }
                    digits[position] = 0
                    position -= 1
                }
                if position < 0 {
                    digits.insert(1, at: 0)
                    digits.removeLast()
                    pointPosition += 1
                }
            }
        }
        while digits.last == 0 { digits.removeLast() }
        guard !digits.isEmpty else { return "0" }
        guard pointPosition <= 400, pointPosition >= -400 else { return nil }
        var text = negative ? "-" : ""
        let characters = digits.map { Character(Unicode.Scalar($0 + UInt8(ascii: "0"))) }
        if pointPosition <= 0 {
            text += "0." + String(repeating: "0", count: -pointPosition) + String(characters)
        } else if pointPosition >= characters.count {
            text += String(characters) + String(repeating: "0", count: pointPosition - characters.count)
        } else {
            text += String(characters[..<pointPosition]) + "." + String(characters[pointPosition...])
        }
        return text
    }
}
