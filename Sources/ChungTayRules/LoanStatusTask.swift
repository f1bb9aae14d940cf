/// `loan.status`: `{"asOf", "loan", "dueSoonDays": 30}` in, the loan-status document out.
public enum LoanStatusTask {
    /// Reads the payload as a worker does (`ParsedPayload(_:for:)`).
    public static func run(payload: [UInt8], rules: RuleBook) throws(TaskRejection) -> [UInt8] {
        try run(payload: ParsedPayload(payload, for: .loanStatus), rules: rules)
    }

    public static func run(payload: ParsedPayload, rules: RuleBook) throws(TaskRejection) -> [UInt8] {
        let payload = try TaskPayload(payload)
        let loan = LoanRecord(try payload.requiredObject("loan"))
        return loanStatus(loan: loan, asOf: payload.asOf, dueSoonDays: try payload.count("dueSoonDays"), rules: rules)
            .jsonBytes
    }
}
