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
    public var errorCodes: [String]

    public init(_ result: LoanStatusResult) {
        loanId = result.loanId
        householdCode = result.householdCode
        status = result.status?.rawValue
        nextDueOn = result.nextDueOn?.description
        nextDueAmount = result.nextDueAmount
        daysOverdue = result.daysOverdue
        overduePrincipal = result.overduePrincipal
        errorCodes = result.flags.filter { $0.severity == .error }.map(\.code.rawValue)
    }

    public init(document: JSONObject) {
        func text(_ key: String) -> String? { FieldValue(document[key] ?? .null, as: .text).text }
        func count(_ key: String) -> Int? { DocumentFields.integer(document[key]) }
        loanId = text("loanId")
        householdCode = text("householdCode")
        status = text("status")
        nextDueOn = text("nextDueOn")
        nextDueAmount = count("nextDueAmount")
        daysOverdue = count("daysOverdue")
        overduePrincipal = count("overduePrincipal")
        errorCodes = DocumentFields.errorCodes(document["flags"])
    }

    /// The notice as a batch stage hands it on (docs/BATCH.md): the loan-status
    /// document's field names that `init(document:)` reads, error flags as
    /// `{code, severity}`, and the loan record's `source` for the notifications made
    /// from it.
    func write(to writer: inout JSONWriter, source: ItemSource) {
        writer.openObject()
        writer.key("loanId")
        writer.string(loanId)
        writer.key("householdCode")
        writer.string(householdCode)
        writer.key("status")
        writer.string(status)
        writer.key("nextDueOn")
        writer.string(nextDueOn)
        writer.key("nextDueAmount")
        writer.integer(nextDueAmount)
        writer.key("daysOverdue")
        writer.integer(daysOverdue)
        writer.key("overduePrincipal")
        writer.integer(overduePrincipal)
        writer.key("flags")
        DocumentFields.writeErrorFlags(errorCodes, to: &writer)
        writer.key("source")
        source.write(to: &writer)
        writer.closeObject()
    }

    /// RULES.md section 3: a loan whose status is not null, settled or written off.
    var isActive: Bool {
        guard let status else { return false }
        return status != LoanStatus.settled.rawValue && status != LoanStatus.writtenOff.rawValue
    }
}
