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

    /// RULES.md section 3: a loan whose status is not null, settled or written off.
    var isActive: Bool {
        guard let status else { return false }
        return status != LoanStatus.settled.rawValue && status != LoanStatus.writtenOff.rawValue
    }
}
