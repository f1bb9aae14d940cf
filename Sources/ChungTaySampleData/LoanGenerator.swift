import ChungTayCoding
import ChungTayRules
/// Draws the loans of one borrowing household, each built backwards from the status it
/// should have on 2026-11-30 (RULES.md 2.3), so that every status and overdue bucket
/// occurs in proportions a commune transaction point might see.
struct LoanGenerator {
    let seed: UInt64

    /// The as-of date the statuses are aimed at: the end of the 2026 review season's
    /// last full month.
    static let asOf = CivilDate.fixed(2026, 11, 30)

    private enum Target {
        case current, dueSoon, overdue(ClosedRange<Int>), settled, frozen, writtenOff
    }

    /// Days overdue per bucket, narrowed by 3 days because due dates are moved off the
    /// 29th-31st (see `CivilDate.withoutMonthEnd`), which can shorten the lateness.
    private static let targets: [(Target, Int)] = [
        (.current, 44), (.dueSoon, 12), (.overdue(4...90), 8), (.overdue(94...180), 4), (.overdue(184...360), 3),
        (.overdue(364...1400), 3), (.settled, 18), (.frozen, 4), (.writtenOff, 4),
    ]

    func loans(for household: SampleHousehold, index: Int) -> [SampleRecord<LoanField>] {
        var random = SplitMix64(seed: seed, stream: 2, index: index)
        let count = random.weighted([(1, 82), (2, 16), (3, 2)])
        return (1...count).map { number in
            loan(id: household.householdCode + "-V" + String(number), household: household, using: &random)
        }
    }

    private func loan(id: String, household: SampleHousehold, using random: inout SplitMix64) -> SampleRecord<LoanField> {
        let programme = LoanProgramme.drawn(for: household.plan, using: &random)
        var principal = programme.principal(using: &random)
        if random.chance(fraction: 0.003) { principal += 20_000_000 }  // above the programme cap: a warning case
        let period = random.element(of: programme.periodMonths)
        let instalments = random.element(of: programme.termMonths) / period
        var schedule = Schedule(principal: principal, period: period, instalments: instalments)
        let asOf = Self.asOf

        var record = SampleRecord<LoanField>()
        record[.loanId] = .text(id)
        record[.householdCode] = .text(household.householdCode)
        record[.program] = .text(programme.id)
        record[.principal] = .integer(principal)
        record[.repaymentPeriodMonths] = .integer(period)

        switch random.weighted(Self.targets) {
        case .current:
            if random.chance(10) {
                // Gia hạn nợ: an overdue loan given a new final date, hence current again.
                schedule.placeInstalment(random.int(in: 0...(instalments - 1)) + 1, dueOn: asOf.adding(days: -random.int(in: 30...300)).withoutMonthEnd)
                let extended = max(schedule.maturity, asOf).adding(days: random.int(in: 60...540))
                record[.extendedTo] = .date(extended)
            } else {
                schedule.placeNextDue(after: asOf, inDays: 34...(period * 28), using: &random)
                addAdjustment(to: &record, schedule: schedule, using: &random)
            }
        case .dueSoon:
            schedule.placeNextDue(after: asOf, inDays: 0...26, using: &random)
            addAdjustment(to: &record, schedule: schedule, using: &random)
        case .overdue(let days):
            if random.chance(15) {
                // Vốn sử dụng sai mục đích: the whole unpaid balance falls due when found.
                schedule.placeNextDue(after: asOf, inDays: 34...(period * 28), using: &random)
                let foundOn = asOf.adding(days: -random.int(in: days))
                if foundOn > schedule.disbursed {
                    record[.misusedFunds] = .boolean(true)
                    record[.misuseFoundOn] = .date(foundOn)
                } else {
                    schedule.placeNextDue(after: asOf, inDays: -days.upperBound...(-days.lowerBound), using: &random)
                }
            } else {
                schedule.placeNextDue(after: asOf, inDays: -days.upperBound...(-days.lowerBound), using: &random)
                schedule.repaid += random.chance(30) ? schedule.instalment / 2 : 0
            }
        case .settled:
            schedule.placeInstalment(instalments, dueOn: asOf.adding(days: -random.int(in: 1...900)).withoutMonthEnd)
            schedule.repaid = principal + (random.chance(fraction: 0.01) ? 500_000 : 0)
        case .frozen:
            // Khoanh nợ for 3 or 5 years after a disaster or illness, still running.
            let from = asOf.adding(days: -random.int(in: 10...900))
            schedule.placeInstalment(1, dueOn: from.adding(days: -random.int(in: 30...400)).withoutMonthEnd)
            record[.frozenFrom] = .date(from)
            record[.frozenTo] = .date(from.adding(months: random.chance(70) ? 36 : 60).adding(days: -1))
        case .writtenOff:
            let writtenOff = asOf.adding(days: -random.int(in: 1...2000))
            schedule.placeInstalment(instalments, dueOn: writtenOff.adding(days: -random.int(in: 200...1500)).withoutMonthEnd)
            schedule.repaid = schedule.paidThrough(random.int(in: 0...(instalments - 1)))
            record[.writtenOffOn] = .date(writtenOff)
        }

        record[.disbursedOn] = .date(schedule.disbursed)
        record[.maturityOn] = .date(schedule.maturity)
        if schedule.repaid > 0 || random.chance(50) { record[.principalRepaid] = .integer(schedule.repaid) }
        if random.chance(70) { record[.interestPaidThrough] = .date(min(schedule.lastPaidDue, asOf)) }
        if random.chance(fraction: 0.02) { record[.annualRatePercent] = .decimal(random.element(of: ["5.5", "6.6", "7.2"])) }
        if record[.misusedFunds] == nil && random.chance(40) { record[.misusedFunds] = .boolean(false) }
        return record
    }

    /// Điều chỉnh kỳ hạn trả nợ on a later instalment (beyond 30 days, never the
    /// maturity), moved no further than the next one's date: a valid adjustment that
    /// leaves the status alone, so the CSV file, which cannot carry it, agrees on status.
    private func addAdjustment(to record: inout SampleRecord<LoanField>, schedule: Schedule, using random: inout SplitMix64) {
        guard random.chance(8) else { return }
        let dueDates = schedule.dueDates
        guard let position = dueDates.dropLast().firstIndex(where: { $0 > Self.asOf.adding(days: 30) }),
            position + 1 < dueDates.count
        else { return }
        let dueOn = dueDates[position]
        let room = dueDates[position + 1].dayNumber - dueOn.dayNumber
        record[.termAdjustments] = .adjustments([(dueOn, dueOn.adding(days: random.int(in: 1...min(60, room))))])
    }
}
