public import ChungTayCoding

/// What notifications need to know about a household review: taken from a typed
/// review or read tolerantly from a stored review document (a `notify.emit` payload).
public struct ReviewNotice: Sendable, Equatable {
    public var householdCode: String?
    public var headName: String?
    /// The commune's current name.
    public var commune: String?
    public var village: String?
    public var savingsGroup: String?
    public var association: String?
    public var previous: String?
    public var current: String?
    public var change: String?
    public var priorityScore: Int?
    /// The household record's `phone`, for the borrower's SMS (the notification takes
    /// the first valid mobile number in it): carried in batch payloads and `notify.emit`
    /// requests only, never in the review document.
    public var phone: String?
    /// The review's error flags (warnings do not ask for a correction).
    public var errors: [FlagReference]

    /// The codes of `errors`; setting it drops the fields.
    public var errorCodes: [String] {
        get { errors.map(\.code) }
        set { errors = newValue.map { FlagReference(code: $0, field: nil) } }
    }

    /// - Parameter phone: the household record's `phone`, which the review leaves out.
    public init(_ review: HouseholdReview, phone: String? = nil) {
        householdCode = review.householdCode
        headName = review.headName
        commune = review.commune
        village = review.village
        savingsGroup = review.savingsGroup
        association = review.association?.rawValue
        previous = review.previous?.rawValue
        current = review.current?.rawValue
        change = review.change.rawValue
        priorityScore = review.priorityScore
        self.phone = phone
        errors = review.flags.errorReferences
    }

    /// The review document's members a notice reads, found in one pass.
    private static let documentKeys = DocumentKeys([
        "householdCode", "headName", "commune", "village", "savingsGroup", "association", "previous", "current",
        "change", "priorityScore", "flags", "phone",
    ])

    public init(document: JSONObject) {
        let values = Self.documentKeys.values(in: document)
        func text(_ position: Int) -> String? { FieldValue(values[position] ?? .null, as: .text).text }
        householdCode = text(0)
        headName = text(1)
        commune = text(2)
        village = text(3)
        savingsGroup = text(4)
        association = text(5)
        previous = text(6)
        current = text(7)
        change = text(8)
        priorityScore = DocumentFields.integer(values[9])
        errors = DocumentFields.errorFlags(values[10])
        phone = text(11)
    }

    /// The notices' table as a batch stage hands them on (docs/BATCH.md): the review
    /// document's field names that `init(document:)` reads, the record's `phone`, and the
    /// household record's `source` for the notifications made from it.
    static let table = NoticeTable(fields: [
        "householdCode", "headName", "commune", "village", "savingsGroup", "association", "previous", "current",
        "change", "priorityScore", "phone", "flags", "source",
    ])

    /// The notice as a row of `table`: error flags as `{code, field, severity}`.
    func writeRow(to writer: inout JSONWriter, source: ItemSource) {
        writer.openArray()
        writer.string(householdCode)
        writer.string(headName)
        writer.string(commune)
        writer.string(village)
        writer.string(savingsGroup)
        writer.string(association)
        writer.string(previous)
        writer.string(current)
        writer.string(change)
        writer.integer(priorityScore)
        writer.string(phone)
        DocumentFields.writeErrorFlags(errors, to: &writer)
        source.write(to: &writer)
        writer.closeArray()
    }
}
