import ChungTayCoding
/// The instalment plan of a sample loan (RULES.md 2.2): equal instalments every
/// `period` months from disbursement, the last one taking the remainder.
///
/// Loans are placed in time by fixing one instalment's due date and counting back to the
/// disbursement, so the status on the as-of date is decided first and the dates follow.
struct Schedule {
    let principal: Int
    let period: Int
    let instalments: Int
    private(set) var disbursed = CivilDate.fixed(2024, 1, 15)
    var repaid = 0

    init(principal: Int, period: Int, instalments: Int) {
        self.principal = principal
        self.period = period
        self.instalments = instalments
    }

    var instalment: Int { principal / instalments }
    var maturity: CivilDate { disbursed.adding(months: period * instalments) }
    var dueDates: [CivilDate] { (1...instalments).map { disbursed.adding(months: period * $0) } }

    /// Principal due up to and including instalment `count`.
    func paidThrough(_ count: Int) -> Int {
        count >= instalments ? principal : instalment * count
    }

    /// The due date of the last fully repaid instalment, or the disbursement.
    var lastPaidDue: CivilDate {
        let paid = (0...instalments).last { paidThrough($0) <= repaid } ?? 0
        return disbursed.adding(months: period * paid)
    }

    /// Makes instalment `number` (1-based) due on `date`, a day of month ≤ 28.
    mutating func placeInstalment(_ number: Int, dueOn date: CivilDate) {
        disbursed = date.adding(months: -period * number)
    }

    /// Makes the first unpaid instalment fall due `days` after `asOf` (before it when
    /// negative) with everything before it repaid: ahead of as-of this makes the loan
    /// current or due soon, behind it overdue by that many days.
    mutating func placeNextDue(after asOf: CivilDate, inDays days: ClosedRange<Int>, using random: inout SplitMix64) {
        let next = random.int(in: 0...(instalments - 1)) + 1
        placeInstalment(next, dueOn: asOf.adding(days: random.int(in: days)).withoutMonthEnd)
        repaid = paidThrough(next - 1)
    }
}
