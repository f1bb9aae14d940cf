import ChungTayCoding

/// The checked terms of a loan that has no error flag.
struct LoanTerms {
    struct TermAdjustment {
        let position: Int
        let dueOn: CivilDate
        let newDueOn: CivilDate
    }

    let programme: ProgrammeTable.Programme
    let principal: Int
    let disbursedOn: CivilDate
    let maturityOn: CivilDate
    let periodMonths: Int
    let principalRepaid: Int
    let interestPaidThrough: CivilDate
    let annualRatePercent: DecimalNumber
    let termAdjustments: [TermAdjustment]
    let extendedTo: CivilDate?
    let frozen: ClosedRange<CivilDate>?
    let writtenOffOn: CivilDate?
    /// Set only when the funds were misused.
    let misuseFoundOn: CivilDate?
}
