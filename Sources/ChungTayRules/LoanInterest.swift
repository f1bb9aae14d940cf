import ChungTayCoding

/// Interest and overdue surcharge (RULES.md 2.4): actual days over a 365-day year
/// (Thông tư 14/2017/TT-NHNN), days inside a freeze bearing nothing, each figure
/// computed exactly and rounded half up to whole đồng once.
struct LoanInterest {
    /// Percent per year.
    let rate: DecimalNumber
    /// Share of the rate added on overdue principal (0.30).
    let surchargeRate: DecimalNumber
    let dayCountBasis: Int
    let freeze: ClosedRange<CivilDate>?

    /// Days a, a+1, …, b−1 (0 when b ≤ a), less those inside the freeze.
    func interestDays(from start: CivilDate, to end: CivilDate) -> Int {
        guard start < end else { return 0 }
        var days = CivilDate.days(from: start, to: end)
        if let freeze {
            let overlapStart = max(start, freeze.lowerBound)
            let overlapEnd = min(end.adding(days: -1), freeze.upperBound)
            if overlapStart <= overlapEnd { days -= CivilDate.days(from: overlapStart, to: overlapEnd) + 1 }
        }
        return days
    }

    /// outstanding × rate% × days / basis.
    func interest(on outstanding: Int, from interestPaidThrough: CivilDate, to asOf: CivilDate) -> Int {
        let numerator = ExactMoney.product(
            Int128(outstanding), Int128(rate.units), Int128(interestDays(from: interestPaidThrough, to: asOf))
        )
        let denominator = DecimalNumber.powerOfTen128(rate.scale) * 100 * Int128(dayCountBasis)
        return ExactMoney.roundedHalfUp(numerator, over: denominator)
    }

    /// Σ unpaidᵢ × rate% × surcharge × days(max(dueᵢ, interestPaidThrough), asOf) / basis,
    /// over one common denominator.
    func surcharge(on overdue: [(dueOn: CivilDate, unpaid: Int)], interestPaidThrough: CivilDate, asOf: CivilDate) -> Int {
        var numerator: Int128 = 0
        for instalment in overdue {
            let days = interestDays(from: max(instalment.dueOn, interestPaidThrough), to: asOf)
            numerator = ExactMoney.sum(
                numerator,
                ExactMoney.product(Int128(instalment.unpaid), Int128(rate.units), Int128(surchargeRate.units), Int128(days))
            )
        }
        let denominator = DecimalNumber.powerOfTen128(rate.scale) * 100 * Int128(dayCountBasis)
            * DecimalNumber.powerOfTen128(surchargeRate.scale)
        return ExactMoney.roundedHalfUp(numerator, over: denominator)
    }
}
