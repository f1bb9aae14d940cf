public import ChungTayCoding

/// One field of a record as decoded: the value the sender gave, read according to the
/// kind of field it is, before any rule judges it.
///
/// Records come from JSON Lines and from CSV, where every cell is text. So besides JSON
/// types, a number may come as numeric text ("4", "1500000", "31.5"), a boolean as
/// "true"/"false", "1"/"0" or "có"/"không" (any case), and an empty or blank cell, like
/// JSON null or a missing key, means the field is absent and takes its default. Text is
/// trimmed and in NFC. Anything else of the wrong kind is `invalid`, for the record
/// checks to report; decoding never fails.
public enum FieldValue: Sendable, Equatable {
    case absent
    case text(String)
    case number(DecimalNumber)
    case flag(Bool)
    case date(CivilDate)
    case termAdjustments([TermAdjustmentValue])
    /// Present but not of the field's kind; carries the text given, if any, for messages.
    case invalid(String)

    /// A `{dueOn, newDueOn}` entry of a loan's `termAdjustments`.
    public struct TermAdjustmentValue: Sendable, Equatable {
        public let dueOn: FieldValue
        public let newDueOn: FieldValue
    }

    /// What kind of value a field holds, which decides how a JSON value is read.
    enum Kind {
        case text, number, flag, date, termAdjustments
    }

    init(_ value: JSONValue, as kind: Kind) {
        switch kind {
        case .text: self = Self.text(value)
        case .number: self = Self.number(value)
        case .flag: self = Self.flag(value)
        case .date: self = Self.date(value)
        case .termAdjustments: self = Self.termAdjustments(value)
        }
    }

    /// What `init(.string(text), as: kind)` gives for a text given as its UTF-8 bytes (the
    /// scanner's plain ASCII strings), for the common spellings of numbers and flags, which
    /// then need no `String` (nearly every field of a CSV record is such a text); nil when
    /// only reading the text can tell. The one home of those spellings: the string paths
    /// below try it first.
    init?(plainASCII text: UnsafeBufferPointer<UInt8>, as kind: Kind) {
        switch kind {
        case .number:
            // No white space to trim: the text is a number exactly when all of it parses as one.
            guard case .exact(let number) = DecimalNumber.parse(text) else { return nil }
            self = .number(number)
        case .flag:
            if text.elementsEqual("true".utf8) || text.elementsEqual("1".utf8) {
                self = .flag(true)
            } else if text.elementsEqual("false".utf8) || text.elementsEqual("0".utf8) {
                self = .flag(false)
            } else {
                return nil
            }
        case .text, .date, .termAdjustments:
            return nil
        }
    }

    var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// Matched rather than compared with `==`, which copies and compares payloads.
    var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }

    var isInvalid: Bool {
        if case .invalid = self { return true }
        return false
    }

    private static func text(_ value: JSONValue) -> FieldValue {
        switch value {
        case .null:
            return .absent
        case .string(let raw):
            if isPlainText(raw) { return .text(raw) }
            let trimmed = UnicodeText.trimmed(UnicodeText.nfc(raw))
            return trimmed.isEmpty ? .absent : .text(trimmed)
        default:
            return .invalid("")
        }
    }

    /// Whether text is its own trimmed NFC: it starts and ends with printable ASCII other
    /// than the space (so no white space to trim) and is provably NFC. One look at the
    /// bytes, where `nfc` then `trimmed` each copied the text and looked again (3 % of
    /// the batch floor's samples went to the two): record fields' text is nearly all like this.
    private static func isPlainText(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last, first >= 0x21, first <= 0x7E, last >= 0x21, last <= 0x7E
            else { return false }
            return UnicodeText.isProvablyNFC(bytes)
        }
    }

    /// `init?(plainASCII:as:)` on the text's bytes.
    private static func commonSpelling(_ raw: String, as kind: Kind) -> FieldValue? {
        raw.utf8.withContiguousStorageIfAvailable { FieldValue(plainASCII: $0, as: kind) } ?? nil
    }

    private static func number(_ value: JSONValue) -> FieldValue {
        switch value {
        case .null:
            return .absent
        case .number(let number):
            return .number(number)
        case .string(let raw):
            if let read = commonSpelling(raw, as: .number) { return read }
            let trimmed = UnicodeText.trimmed(raw)
            if trimmed.isEmpty { return .absent }
            guard let number = DecimalNumber(parsing: trimmed) else { return .invalid(trimmed) }
            return .number(number)
        default:
            return .invalid("")
        }
    }

    private static func flag(_ value: JSONValue) -> FieldValue {
        switch value {
        case .null:
            return .absent
        case .bool(let flag):
            return .flag(flag)
        case .string(let raw):
            // The spellings a list nearly always has, as they are (each is its own trimmed,
            // lower-case NFC), before normalising, trimming and lower-casing a copy.
            if let read = commonSpelling(raw, as: .flag) { return read }
            let trimmed = UnicodeText.trimmed(UnicodeText.nfc(raw))
            if trimmed.isEmpty { return .absent }
            switch trimmed.lowercased() {
            case "true", "1", "có": return .flag(true)
            case "false", "0", "không": return .flag(false)
            default: return .invalid(trimmed)
            }
        default:
            return .invalid("")
        }
    }

    private static func date(_ value: JSONValue) -> FieldValue {
        switch text(value) {
        case .absent: return .absent
        case .text(let text): return CivilDate(iso: text).map(FieldValue.date) ?? .invalid(text)
        default: return .invalid("")
        }
    }

    /// Absent, null, an empty list or a blank CSV cell mean no adjustment; anything but
    /// a list of objects with both `dueOn` and `newDueOn` is invalid.
    private static func termAdjustments(_ value: JSONValue) -> FieldValue {
        switch value {
        case .null:
            return .termAdjustments([])
        case .string(let raw) where UnicodeText.trimmed(raw).isEmpty:
            return .termAdjustments([])
        case .array(let elements):
            var entries: [TermAdjustmentValue] = []
            for element in elements {
                guard case .object(let object) = element else { return .invalid("") }
                let dueOn = date(object["dueOn"] ?? .null)
                let newDueOn = date(object["newDueOn"] ?? .null)
                guard !dueOn.isAbsent, !newDueOn.isAbsent else { return .invalid("") }
                entries.append(TermAdjustmentValue(dueOn: dueOn, newDueOn: newDueOn))
            }
            return .termAdjustments(entries)
        default:
            return .invalid("")
        }
    }
}
