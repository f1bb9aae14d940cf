/// A calendar date for building loan schedules around the as-of date.
///
/// The module depends on Foundation only, not on the rules module, so it carries its own
/// civil-date arithmetic (day numbers after H. Hinnant's `days_from_civil`); going through
/// `Date` would bring the machine's time zone into otherwise fixed output.
struct SampleDate: Comparable, Hashable {
    /// Days since 1970-01-01.
    let dayNumber: Int

    init(dayNumber: Int) {
        self.dayNumber = dayNumber
    }

    init(_ year: Int, _ month: Int, _ day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        dayNumber = era * 146_097 + dayOfEra - 719_468
    }

    var components: (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    func adding(days: Int) -> SampleDate {
        SampleDate(dayNumber: dayNumber + days)
    }

    /// Month addition clamped to the month's last day, as the loan rules count months.
    func adding(months: Int) -> SampleDate {
        let (year, month, day) = components
        let total = year * 12 + (month - 1) + months
        let newYear = total / 12
        let newMonth = total % 12 + 1
        return SampleDate(newYear, newMonth, min(day, Self.daysInMonth(year: newYear, month: newMonth)))
    }

    /// The first day of the next month when the day is past the 28th, so that adding
    /// whole months to the result never clamps and instalments fall on one day of month.
    var withoutMonthEnd: SampleDate {
        let (year, month, day) = components
        return day > 28 ? SampleDate(year, month, 1).adding(months: 1) : self
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DD`.
    var iso: String {
        let (year, month, day) = components
        return Digits.padded(year, width: 4) + "-" + Digits.padded(month, width: 2) + "-" + Digits.padded(day, width: 2)
    }

    static func < (lhs: SampleDate, rhs: SampleDate) -> Bool {
        lhs.dayNumber < rhs.dayNumber
    }
}
