import ChungTayCoding

/// The fields of a loan record (SCHEMA.md), in SCHEMA.md order, which is also the
/// order flags of one code are reported in.
public enum LoanField: Int, Sendable, CaseIterable, RecordField {
    case loanId, householdCode, program, principal, disbursedOn, maturityOn, repaymentPeriodMonths
    case principalRepaid, interestPaidThrough, annualRatePercent, termAdjustments, extendedTo
    case frozenFrom, frozenTo, writtenOffOn, misusedFunds, misuseFoundOn

    /// The field's name in records and flags.
    public var name: String { Self.names[rawValue] }

    private static let names: [String] = allCases.map { "\($0)" }
    static let byKnownKey: [LoanField?] = KnownKeys.fieldTable(allCases, name: \.name)

    var kind: FieldValue.Kind {
        switch self {
        case .loanId, .householdCode, .program: .text
        case .principal, .repaymentPeriodMonths, .principalRepaid, .annualRatePercent: .number
        case .disbursedOn, .maturityOn, .interestPaidThrough, .extendedTo, .frozenFrom, .frozenTo, .writtenOffOn,
            .misuseFoundOn:
            .date
        case .termAdjustments: .termAdjustments
        case .misusedFunds: .flag
        }
    }
}
