public import ChungTayCoding

/// What notifications need to know about a loan status: taken from a typed result or
/// read tolerantly from a stored loan-status document.
public struct LoanNotice: Sendable, Equatable {
    public var loanId: String?
    public var householdCode: String?
    public var status: String?
    public var nextDueOn: String?
    public var nextDueAmount: Int?
    public var daysOverdue: Int?
    public var overduePrincipal: Int?
    /// The loan's error flags (warnings do not ask for a correction).
    public var errors: [FlagReference]

    /// The codes of `errors`; setting it drops the fields.
    public var errorCodes: [String] {
        get { errors.map(\.code) }
        set { errors = newValue.map { FlagReference(code: $0, field: nil) } }
    }

    public init(_ result: LoanStatusResult) {
        loanId = result.loanId
        householdCode = result.householdCode
        status = result.status?.rawValue
        nextDueOn = result.nextDueOn?.description
        nextDueAmount = result.nextDueAmount
        daysOverdue = result.daysOverdue
        overduePrincipal = result.overduePrincipal
        errors = result.flags.errorReferences
    }

    /// The loan-status document's members a notice reads, found in one pass.
    private static let documentKeys = DocumentKeys([
        "loanId", "householdCode", "status", "nextDueOn", "nextDueAmount", "daysOverdue", "overduePrincipal", "flags",
    ])

    public init(document: JSONObject) {
        let values = Self.documentKeys.values(in: document)
        func text(_ position: Int) -> String? { FieldValue(values[position] ?? .null, as: .text).text }
        func count(_ position: Int) -> Int? { DocumentFields.integer(values[position]) }
        loanId = text(0)
        householdCode = text(1)
        status = text(2)
        nextDueOn = text(3)
        nextDueAmount = count(4)
        daysOverdue = count(5)
        overduePrincipal = count(6)
        errors = DocumentFields.errorFlags(values[7])
    }

    /// The notices' table as a batch stage hands them on (docs/BATCH.md): the loan-status
    /// document's field names that `init(document:)` reads, and the loan record's `source`
    /// for the notifications made from it.
    static let table = NoticeTable(fields: [
        "loanId", "householdCode", "status", "nextDueOn", "nextDueAmount", "daysOverdue", "overduePrincipal", "flags",
        "source",
    ])

    /// The notice as a row of `table`: error flags as `{code, field, severity}`.
    func writeRow(to writer: inout JSONWriter, source: ItemSource) {
        writer.openArray()
        writer.string(loanId)
        writer.string(householdCode)
        writer.string(status)
        writer.string(nextDueOn)
        writer.integer(nextDueAmount)
        writer.integer(daysOverdue)
        writer.integer(overduePrincipal)
        DocumentFields.writeErrorFlags(errors, to: &writer)
        source.write(to: &writer)
        writer.closeArray()
    }

    /// RULES.md section 3: a loan whose status is not null, settled or written off.
    var isActive: Bool {
        guard let status else { return false }
        return status != LoanStatus.settled.rawValue && status != LoanStatus.writtenOff.rawValue
    }
}
