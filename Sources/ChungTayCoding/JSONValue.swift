/// A parsed JSON value that keeps whatever type the sender used.
///
/// Records are decoded into this first and validated field by field, so a count sent as
/// `"three"` becomes a `field_invalid` flag instead of a decoding failure. Numbers stay
/// exact decimals; strings are in NFC; object members keep their order.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(DecimalNumber)
    /// Valid JSON number syntax that does not fit 18 significant or fractional digits;
    /// kept (approximately) so that a record can report the field as invalid.
    case unrepresentableNumber(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    @inlinable
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    @inlinable
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(DecimalNumber(value)) }

    /// Goes through the literal's shortest decimal spelling, so `31.5` is exactly 31.5.
    public init(floatLiteral value: Double) {
        if let number = DecimalNumber(parsing: "\(value)") {
            self = .number(number)
        } else {
            self = .unrepresentableNumber(value)
        }
    }

    public init(stringLiteral value: String) { self = .string(UnicodeText.nfc(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
}
