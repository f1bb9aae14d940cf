/// Which text in a household record's `phone` is a Vietnamese mobile number an SMS can
/// go to (`notification-rules.json` `mobileNumbers`), and its one spelling.
///
/// Officers write phones as they come: "0912 345 678", "0912.345.678", "+84 912
/// 345 678", and sometimes two numbers ("0912345678, 0987654321"). Spaces, dots, dashes
/// and parentheses inside a number are ignored; anything else ends it. A number that
/// starts with the country code is written with the trunk prefix instead, so that the
/// gateway and the ledger see one spelling: `0XXXXXXXXX`.
struct MobileNumberRule: Sendable {
    /// The national spelling's length in digits, trunk prefix included.
    let digits: Int
    /// The country code written instead of the trunk prefix `0` in international form.
    let countryCode: [UInt8]
    /// Accepted beginnings of the national spelling (`03`, `05`, …).
    let prefixes: [[UInt8]]

    init(_ node: RuleFileNode) throws(RuleDataError) {
        let digits = try node.member("digits").integer(in: 2...20)
        self.digits = digits
        let countryCode = try node.member("countryCode").string()
        guard !countryCode.isEmpty, countryCode.utf8.allSatisfy(Self.isDigit) else {
            throw node.error("countryCode must be digits")
        }
        self.countryCode = Array(countryCode.utf8)
        let prefixesNode = try node.member("prefixes")
        let prefixes = try prefixesNode.strings()
        guard !prefixes.isEmpty,
            prefixes.allSatisfy({ $0.first == "0" && $0.utf8.count < digits && $0.utf8.allSatisfy(Self.isDigit) })
        else {
            throw prefixesNode.error("each prefix must be digits starting with 0, shorter than a number")
        }
        self.prefixes = prefixes.map { Array($0.utf8) }
    }

    /// The first valid mobile number in `text`, as `0XXXXXXXXX`; nil when there is none.
    func firstNumber(in text: String?) -> String? {
        guard var text else { return nil }
        return text.withUTF8 { bytes -> String? in
            var candidate: [UInt8] = []
            candidate.reserveCapacity(digits + countryCode.count)
            var discarding = false
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if !discarding { candidate.append(byte) }
                    if candidate.count > digits - 1 + countryCode.count { discarding = true }
                case UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"):
                    // A complete number followed by a space may be the first of two
                    // written without a comma between them.
                    if !discarding, let number = national(candidate) { return number }
                case UInt8(ascii: "+") where candidate.isEmpty:
                    continue
                default:
                    if !discarding, let number = national(candidate) { return number }
                    candidate.removeAll(keepingCapacity: true)
                    discarding = false
                }
            }
            return discarding ? nil : national(candidate)
        }
    }

    /// The digits as `0XXXXXXXXX` when they are a whole valid number, national or
    /// international.
    private func national(_ candidate: [UInt8]) -> String? {
        var number = candidate
        if number.count == digits - 1 + countryCode.count, number.starts(with: countryCode) {
            number = [UInt8(ascii: "0")] + number.dropFirst(countryCode.count)
        }
        guard number.count == digits, prefixes.contains(where: { number.starts(with: $0) }) else { return nil }
        return String(decoding: number, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
