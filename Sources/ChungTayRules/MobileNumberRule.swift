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
    ///
    /// Runs for every borrower of a batch, so the digits gather in stack memory and the
    /// result, shorter than 16 bytes, is a small string: no allocation.
    func firstNumber(in text: String?) -> String? {
        guard var text else { return nil }
        let longest = digits - 1 + countryCode.count
        return text.withUTF8 { bytes -> String? in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: longest + 1) { candidate -> String? in
                var count = 0
                // More digits than any spelling of a number: skipped up to the next separator.
                var overlong = false
                for byte in bytes {
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"):
                        if count < longest {
                            candidate[count] = byte
                            count += 1
                        } else {
                            overlong = true
                        }
                    case UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"):
                        // A complete number followed by a space may be the first of two
                        // written without a comma between them.
                        if !overlong, let number = national(UnsafeBufferPointer(rebasing: candidate[..<count])) {
                            return number
                        }
                    case UInt8(ascii: "+") where count == 0:
                        continue
                    default:
                        if !overlong, let number = national(UnsafeBufferPointer(rebasing: candidate[..<count])) {
                            return number
                        }
                        count = 0
                        overlong = false
                    }
                }
                return overlong ? nil : national(UnsafeBufferPointer(rebasing: candidate[..<count]))
            }
        }
    }

    /// The digits as `0XXXXXXXXX` when they are a whole valid number, national or
    /// international.
    private func national(_ candidate: UnsafeBufferPointer<UInt8>) -> String? {
        if candidate.count == digits, prefixes.contains(where: { candidate.starts(with: $0) }) {
            return String(decoding: candidate, as: UTF8.self)
        }
        guard candidate.count == digits - 1 + countryCode.count, candidate.starts(with: countryCode) else { return nil }
        let rest = candidate[countryCode.count...]
        // Every prefix begins with the trunk prefix 0 (checked at load), which the
        // international spelling leaves out.
        guard prefixes.contains(where: { rest.starts(with: $0.dropFirst()) }) else { return nil }
        return "0" + String(decoding: UnsafeBufferPointer(rebasing: rest), as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
