/// Zero-padded decimal text for codes, IDs and dates; `String(format:)` goes through
/// the C locale machinery for every one of millions of fields.
enum Digits {
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
