import ChungTayCoding

/// The repayment schedule of a loan (RULES.md 2.2): equal instalments every period
/// from disbursement, the last one on the maturity date, then moved by term
/// adjustments, an extension and a freeze, in that order.
struct LoanSchedule {
    struct Instalment: Equatable {
        var dueOn: CivilDate
        let amount: Int
        /// Scheduled principal up to and including this instalment.
        let cumulative: Int
    }

    private(set) var instalments: [Instalment]

    /// `k = max(1, ceil(months(disbursedOn, maturityOn) / period))`; instalment i < k is
    /// due `disbursedOn + i·period` months (clamped to month end, counted from the
    /// disbursement each time so clamping never accumulates), instalment k on maturity.
    /// Each is `floor(principal / k)`, the last taking the remainder.
    init(principal: Int, disbursedOn: CivilDate, maturityOn: CivilDate, periodMonths: Int) {
        let months = CivilDate.wholeMonths(from: disbursedOn, to: maturityOn)
        let count = max(1, months / periodMonths + (months % periodMonths == 0 ? 0 : 1))
        let amount = principal / count
        var instalments: [Instalment] = []
        instalments.reserveCapacity(count)
        for index in 1..<count {
            instalments.append(
                Instalment(
                    dueOn: disbursedOn.adding(months: index * periodMonths), amount: amount, cumulative: amount * index
                )
            )
        }
        instalments.append(
            Instalment(dueOn: maturityOn, amount: principal - amount * (count - 1), cumulative: principal)
        )
        self.instalments = instalments
    }

    /// Applies a term adjustment (điều chỉnh kỳ hạn) if it is valid: `dueOn` names an
    /// instalment by its current due date, `newDueOn` is later but no later than the
    /// next instalment's current due date, and the last instalment never moves
    /// (VBSP letter 597/NHCS-TDNN). Returns whether it was applied.
    mutating func adjust(dueOn: CivilDate, newDueOn: CivilDate) -> Bool {
        guard let index = instalments.firstIndex(where: { $0.dueOn == dueOn }),
            index < instalments.count - 1,
            newDueOn > dueOn,
            newDueOn <= instalments[index + 1].dueOn
        else { return false }
        instalments[index].dueOn = newDueOn
        return true
    }

    /// Gia hạn nợ: every instalment not fully paid, the maturity included, falls due on `extendedTo`.
    mutating func extend(to extendedTo: CivilDate, principalRepaid: Int) {
        for index in instalments.indices where !isFullyPaid(index, principalRepaid: principalRepaid) {
            instalments[index].dueOn = extendedTo
        }
    }

    /// Khoanh nợ: instalments falling due inside the period fall due the day after it.
    mutating func freeze(from: CivilDate, to: CivilDate) {
        let resumesOn = to.adding(days: 1)
        for index in instalments.indices where from <= instalments[index].dueOn && instalments[index].dueOn <= to {
            instalments[index].dueOn = resumesOn
        }
    }

    /// Instalments are paid in order: one is fully paid once the repaid principal
    /// covers the scheduled principal up to it.
    func isFullyPaid(_ index: Int, principalRepaid: Int) -> Bool {
        instalments[index].cumulative <= principalRepaid
    }

    /// What is still owed on an instalment that is not fully paid.
    func unpaidPart(_ index: Int, principalRepaid: Int) -> Int {
        min(instalments[index].amount, instalments[index].cumulative - principalRepaid)
    }
}
