/// The loan record's fields (SCHEMA.md "Loan record").
enum LoanColumn: Int, RecordColumn {
    case loanId, householdCode, program, principal, disbursedOn, maturityOn, repaymentPeriodMonths
    case principalRepaid, interestPaidThrough, annualRatePercent, termAdjustments, extendedTo
    case frozenFrom, frozenTo, writtenOffOn, misusedFunds, misuseFoundOn

    var inCSV: Bool { self != .termAdjustments }
}
